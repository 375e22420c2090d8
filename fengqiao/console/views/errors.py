"""The console's 403 and 404 pages, in the console frame (nav, language switch, CSS).

A 404 says the same thing for "missing" and "outside your area" (AC-02)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "console/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "console/404.html", status=404)
