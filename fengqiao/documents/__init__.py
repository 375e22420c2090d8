"""The shared document layer: a declarative official-document model (model.py), renderers to
.docx, .pdf and .xlsx (render.py), templates taking plain dataclasses (kinds/), and background
export jobs with a generator registry (registry.py, actions.py, api.py). See docs/documents.md."""
