"""Attachment files (WEB-05): type by magic bytes against an allowlist, strip photo metadata,
store under a random name outside any web root, read back only for the authorised view."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from fengqiao.cases import conf


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


JPEG = FileType("image/jpeg", "jpg", "JPEG 图片")
PNG = FileType("image/png", "png", "PNG 图片")
WEBP = FileType("image/webp", "webp", "WebP 图片")
PDF = FileType("application/pdf", "pdf", "PDF 文档")
MP4 = FileType("video/mp4", "mp4", "MP4 视频")
M4A = FileType("audio/mp4", "m4a", "M4A 录音")
AMR = FileType("audio/amr", "amr", "AMR 录音")
WAV = FileType("audio/wav", "wav", "WAV 录音")
MP3 = FileType("audio/mpeg", "mp3", "MP3 录音")

ALLOWED = (JPEG, PNG, WEBP, PDF, MP4, M4A, AMR, WAV, MP3)


def sniff(head: bytes) -> FileType | None:
    """The file's real type from its first bytes, or None when it is not on the allowlist."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        return M4A if head[8:11] == b"M4A" else MP4
    if head.startswith(b"#!AMR"):
        return AMR
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return MP3
    return None


def strip_jpeg_metadata(data: bytes) -> bytes:
    """Drop APP1 (EXIF/XMP, where GPS lives) and comment segments from a JPEG; keep the rest."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out = bytearray(b"\xff\xd8")
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the image data follows to the end
            break
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segment = data[i : i + 2 + length]
        if marker not in (0xE1, 0xFE):
            out += segment
        i += 2 + length
    out += data[i:]
    return bytes(out)


def strip_png_metadata(data: bytes) -> bytes:
    """Drop eXIf and text chunks (tEXt, zTXt, iTXt) from a PNG."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return data
    out = bytearray(data[:8])
    i = 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        chunk = data[i : i + 12 + length]
        if kind not in (b"eXIf", b"tEXt", b"zTXt", b"iTXt"):
            out += chunk
        i += 12 + length
    return bytes(out)


def clean(data: bytes, file_type: FileType) -> bytes:
    if file_type is JPEG:
        return strip_jpeg_metadata(data)
    if file_type is PNG:
        return strip_png_metadata(data)
    return data


def new_stored_name() -> str:
    return secrets.token_hex(20)


def path_for(stored_name: str) -> Path:
    """Where a stored file lives: DATA_DIR/attachments/ab/abcdef…, never under STATIC/MEDIA."""
    if len(stored_name) != 40 or any(c not in "0123456789abcdef" for c in stored_name):
        raise ValueError("bad stored name")
    return conf.attachment_dir() / stored_name[:2] / stored_name


def write(stored_name: str, data: bytes) -> None:
    path = path_for(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)


def safe_name(name: str) -> str:
    """An original file name fit for a Content-Disposition header (no paths, no controls)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c.isprintable() and c not in '"\r\n;')
    return name[:200] or "附件"
