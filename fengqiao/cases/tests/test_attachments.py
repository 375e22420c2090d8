"""WEB-05: uploads typed by content against an allowlist, size-limited, metadata stripped,
stored outside any web root under random names, downloaded only through the authorised view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from fengqiao.accounts.models import User
from fengqiao.cases import files
from fengqiao.cases.models import Attachment
from fengqiao.cases.tests.conftest import Api, Units

# A JPEG with an EXIF (APP1) segment holding a fake GPS tag, then a comment, then image data.
EXIF = b"Exif\x00\x00GPSLatitude=36.06"
JPEG = (
    b"\xff\xd8"
    + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xe1"
    + (len(EXIF) + 2).to_bytes(2, "big")
    + EXIF
    + b"\xff\xfe\x00\x07hello"
    + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    + b"\x12\x34\x56"
    + b"\xff\xd9"
)
PNG_WITH_TEXT = (
    b"\x89PNG\r\n\x1a\n"
    + (13).to_bytes(4, "big") + b"IHDR" + b"\x00" * 13 + b"\x00" * 4
    + (9).to_bytes(4, "big") + b"tEXt" + b"Author\x00Li" + b"\x00" * 4
    + (0).to_bytes(4, "big") + b"IEND" + b"\x00" * 4
)  # fmt: skip


def upload(api: Api, case_id: int, name: str, data: bytes) -> Any:
    return api.client.post(
        f"/api/v1/cases/{case_id}/attachments", {"file": SimpleUploadedFile(name, data)}
    )


def test_photo_upload_strips_exif_and_downloads_as_attachment(
    api_for: Any, town_operator: User, units: Units
) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    response = upload(api, case_id, "../../etc/现场照片.jpg", JPEG)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["name"] == "现场照片.jpg"
    row = Attachment.objects.get(pk=body["id"])
    stored = files.path_for(row.stored_name)
    assert stored.exists()
    saved = stored.read_bytes()
    assert b"GPSLatitude" not in saved and b"hello" not in saved
    assert saved.startswith(b"\xff\xd8\xff\xe0") and saved.endswith(b"\x12\x34\x56\xff\xd9")
    # random name, outside static and media roots
    assert row.stored_name not in "现场照片.jpg" and len(row.stored_name) == 40
    for root in (django_settings.STATIC_ROOT, django_settings.MEDIA_ROOT):
        assert not str(stored).startswith(str(root))

    download = api.client.get(body["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == saved
    assert api.case(case_id)["attachments"][0]["id"] == row.pk


def test_png_text_chunks_are_removed(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    body = upload(api, case_id, "a.png", PNG_WITH_TEXT).json()
    saved = files.path_for(Attachment.objects.get(pk=body["id"]).stored_name).read_bytes()
    assert b"tEXt" not in saved and b"IHDR" in saved and b"IEND" in saved


def test_disguised_html_is_rejected(api_for: Any, town_operator: User, units: Units) -> None:
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    response = upload(api, case_id, "photo.jpg", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 422
    assert "不支持的文件类型" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "file"
    assert not Attachment.objects.exists()


def test_oversized_upload_is_413(
    api_for: Any, town_operator: User, units: Units, settings: Any
) -> None:
    settings.CASES_ATTACHMENT_MAX_BYTES = 1024
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    response = upload(api, case_id, "big.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    assert response.status_code == 413
    assert not Attachment.objects.exists()
    assert upload(api, case_id, "small.pdf", b"%PDF-1.7\n" + b"0" * 100).status_code == 201


def test_the_same_file_twice_is_stored_once(
    api_for: Any, town_operator: User, units: Units
) -> None:
    # REL-06: a grid worker's phone re-sends the photo after a dropped connection
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    first = upload(api, case_id, "a.jpg", JPEG)
    again = upload(api, case_id, "a (1).jpg", JPEG)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Attachment.objects.count() == 1


def test_count_limit(api_for: Any, town_operator: User, units: Units, settings: Any) -> None:
    settings.CASES_ATTACHMENTS_PER_CASE = 1
    api = api_for(town_operator)
    case_id = api.create().json()["id"]
    assert upload(api, case_id, "a.pdf", b"%PDF-1 a").status_code == 201
    assert upload(api, case_id, "b.pdf", b"%PDF-1 b").status_code == 422


def test_upload_needs_act_scope(
    api_for: Any, town_operator: User, county_leader: User, outsider: User, units: Units
) -> None:
    case_id = api_for(town_operator).create().json()["id"]
    assert upload(api_for(county_leader), case_id, "a.pdf", b"%PDF-1").status_code == 403
    assert upload(api_for(outsider), case_id, "a.pdf", b"%PDF-1").status_code == 404


def test_sniffing_allowlist() -> None:
    assert files.sniff(b"%PDF-1.4") is files.PDF
    assert files.sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is files.WEBP
    assert files.sniff(b"\x00\x00\x00\x18ftypM4A ") is files.M4A
    assert files.sniff(b"\x00\x00\x00\x18ftypisom") is files.MP4
    assert files.sniff(b"#!AMR\n") is files.AMR
    assert files.sniff(b"MZ\x90\x00") is None  # a Windows executable
    assert files.sniff(b"PK\x03\x04") is None  # zip archives are not accepted
    assert files.safe_name('a"\r\nb;.pdf') == "ab.pdf"
    assert Path(files.path_for("ab" * 20)).name == "ab" * 20
