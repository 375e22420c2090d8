"""Attachments: upload (multipart) and the one authorised download view (WEB-05)."""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import File, Router, Status
from ninja.files import UploadedFile

from fengqiao.accounts.scope import request_user
from fengqiao.audit.actions import record
from fengqiao.cases import conf, files
from fengqiao.cases.access import get_case_for_user
from fengqiao.cases.actions import TooLarge, do_attach
from fengqiao.cases.api import schemas as s
from fengqiao.cases.models import Attachment

router = Router(tags=["cases-attachments"])


@router.post(
    "/{case_id}/attachments",
    response={
        201: s.AttachmentOut,
        200: s.AttachmentOut,
        403: s.ErrorOut,
        404: s.ErrorOut,
        413: s.ErrorOut,
        422: s.ErrorOut,
    },
    summary="上传附件（按内容识别类型，限大小；重复上传同一文件不重复保存）",
)
def upload(request: HttpRequest, case_id: int, file: File[UploadedFile]) -> Status[Any]:
    user = request_user(request)
    case = get_case_for_user(user, case_id, act=True)
    limit = conf.attachment_max_bytes()
    if file.size is not None and file.size > limit:
        raise TooLarge(
            "文件超过大小上限。",
            f"The file is larger than {limit} bytes.",
            [{"field": "file", "message": "文件过大", "message_en": "file too large"}],
        )
    data = file.read(limit + 1)
    attached = do_attach(case, actor=user, name=file.name or "", data=data)
    row = attached.attachment
    body = s.AttachmentOut(
        id=row.pk,
        name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        uploaded_at=row.uploaded_at,
        url=f"/api/v1/cases/{case.pk}/attachments/{row.pk}",
    )
    return Status(201 if attached.created else 200, body)


@router.get(
    "/{case_id}/attachments/{attachment_id}",
    response={200: Any, 404: s.ErrorOut},
    summary="下载附件（仅限有权查看该事项的用户）",
)
def download(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """Always a download, never rendered inline: Content-Disposition: attachment + nosniff."""
    user = request_user(request)
    case = get_case_for_user(user, case_id)
    row: Attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    path = files.path_for(row.stored_name)
    if not path.exists():
        raise Http404
    record(
        "case.attachment_download",
        actor=user,
        obj=case,
        data={"attachment_id": row.pk},
        region_code=case.region.code,
    )
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
