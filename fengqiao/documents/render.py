"""One import for the three renderers; each is a pure function returning bytes.

from fengqiao.documents.render import render_docx, render_pdf, render_xlsx
"""

from fengqiao.documents.to_docx import render_docx as render_docx
from fengqiao.documents.to_pdf import render_pdf as render_pdf
from fengqiao.documents.to_xlsx import render_xlsx as render_xlsx
