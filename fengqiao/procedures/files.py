"""Serving a rendered document: no caching, no sniffing, an attachment with a UTF-8 name."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from fengqiao.documents.model import Document
from fengqiao.documents.render import render_docx, render_pdf

TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def document_response(document: Document, *, fmt: str, filename: str) -> HttpResponse:
    data = render_docx(document) if fmt == "docx" else render_pdf(document)
    response = HttpResponse(data, content_type=TYPES[fmt])
    response["Content-Disposition"] = (
        content_disposition_header(True, f"{filename}.{fmt}") or "attachment"
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
