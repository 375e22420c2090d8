"""Adding a file to a case (WEB-05, REL-06)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction

from fengqiao.accounts.models import User
from fengqiao.cases import conf, files
from fengqiao.cases.actions.engine import note
from fengqiao.cases.errors import CaseError, Invalid, field_error
from fengqiao.cases.models import Attachment, Case


class TooLarge(CaseError):
    """The upload is over the size limit (413)."""

    http_status = 413


@dataclass(frozen=True)
class Attached:
    attachment: Attachment
    created: bool


@transaction.atomic
def do_attach(case: Case, *, actor: User, name: str, data: bytes) -> Attached:
    """Check the file's real type and size, strip photo metadata, store it under a random name
    and link it to the case; the same bytes sent again link the existing file (no duplicate)."""
    limit = conf.attachment_max_bytes()
    if len(data) > limit:
        raise TooLarge(
            f"文件超过大小上限（{limit // 1024 // 1024} MB）。",
            f"The file is larger than {limit} bytes.",
            [field_error("file", "文件过大", "file too large")],
        )
    file_type = files.sniff(data[:16])
    if file_type is None:
        allowed = "、".join(t.label for t in files.ALLOWED)
        raise Invalid(
            f"不支持的文件类型；允许：{allowed}。",
            "File type not allowed (checked by content, not by name).",
            [field_error("file", "文件类型不允许", "type not allowed")],
        )
    data = files.clean(data, file_type)
    digest = hashlib.sha256(data).hexdigest()
    existing = Attachment.objects.filter(case=case, sha256=digest).first()
    if existing is not None:
        return Attached(existing, created=False)
    if case.attachments.count() >= conf.attachments_per_case():
        raise Invalid(
            "该事项的附件数量已达上限。",
            "This case has the maximum number of attachments.",
            [field_error("file", "附件数量已达上限", "too many attachments")],
        )
    stored = files.new_stored_name()
    attachment = Attachment.objects.create(
        case=case,
        original_name=files.safe_name(name),
        content_type=file_type.content_type,
        size=len(data),
        sha256=digest,
        stored_name=stored,
        uploaded_by=actor,
    )
    note(
        case,
        "attach",
        actor=actor,
        data={"attachment_id": attachment.pk, "type": file_type.content_type, "size": len(data)},
    )
    # Written last: a failure above leaves no file; a failure here rolls the row back.
    files.write(stored, data)
    return Attached(attachment, created=True)
