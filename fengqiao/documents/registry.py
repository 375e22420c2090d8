"""Export generators, registered by name, so that any app can offer a background export.

An app registers its generators once, from its AppConfig.ready():

    from fengqiao.documents.registry import ExportGenerator, register
    register(ExportGenerator(kind="reports.mediation_monthly", label="人民调解月报表",
                             generate=mediation_monthly_xlsx, validate=clean_month_params))

`generate` runs in the background (`fengqiao run-exports` or the sweep) with the job's owner
and parameters; it must select data through the owner's scope (accounts.scope), report its
progress, and return the finished file. Parameters are stored as JSON in the job row and in
no audit entry: keep them to filters (region code, period), never personal information.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fengqiao.accounts.models import User

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class ExportFile:
    """A generated file: the name the user downloads it under, its bytes and MIME type."""

    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class ExportContext:
    """What a generator receives: the owner (for scoping), the cleaned parameters and a
    progress callback taking 0–100."""

    owner: User
    params: dict[str, Any]
    progress: Callable[[int], None]


class ExportInvalid(ValueError):
    """Bad export parameters, with per-field Chinese messages (API answers 422)."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        super().__init__("；".join(error["message"] for error in errors))


class ExportFailed(RuntimeError):
    """A generator's expected failure; its (Chinese) message is shown to the owner."""


@dataclass(frozen=True)
class ExportGenerator:
    """One kind of export. `validate(owner, params)` returns cleaned parameters or raises
    ExportInvalid; `personal_data` files are deleted after their first download (PII-03)."""

    kind: str
    label: str
    generate: Callable[[ExportContext], ExportFile]
    validate: Callable[[User, dict[str, Any]], dict[str, Any]] | None = None
    personal_data: bool = False


GENERATORS: dict[str, ExportGenerator] = {}


def register(generator: ExportGenerator, *, replace: bool = False) -> ExportGenerator:
    if generator.kind in GENERATORS and not replace:
        raise ValueError(f"export kind already registered: {generator.kind}")
    GENERATORS[generator.kind] = generator
    return generator


def unregister(kind: str) -> None:
    GENERATORS.pop(kind, None)


def get(kind: str) -> ExportGenerator | None:
    return GENERATORS.get(kind)
