"""The one check of an uploaded document (PDF, JPEG or PNG), for every app that stores one.

A document is judged by its content, never by its name: the first bytes
say what it is, its extension follows from that, and its size and SHA-256
are taken once. Case documents and household documents (home-visit photos
and scans, a signed request to leave) go through :func:`upload_check`, so
the rules are the same everywhere.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from reliefdesk.errors import DomainError

MAGIC = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)

# What each stored content type may be called; the first is used when the name says otherwise.
DOCUMENT_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}

IMAGE_TYPES = ("image/jpeg", "image/png")


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a file's first bytes, or None when it is none of ours."""
    for magic, content_type, extension in MAGIC:
        if head.startswith(magic):
            return content_type, extension
    return None


def document_name(uploaded_name: str, content_type: str) -> str:
    """The uploaded name with the extension of what the file really is: ``x.html`` holding a PDF is ``x.pdf``.

    A document is served under this name, so a browser or a colleague's
    computer treats it as what it is, never as a web page or a program.
    """
    extensions = DOCUMENT_EXTENSIONS[content_type]
    name = PurePosixPath((uploaded_name or "").replace("\\", "/")).name.strip() or "document"
    path = PurePosixPath(name)
    if path.suffix.lower() in extensions:
        return name[:255]
    stem = (path.stem if path.suffix else name).rstrip(".") or "document"
    return stem[:255 - len(extensions[0])] + extensions[0]


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    sha256: str
    name: str  # the name it is stored and served under
    size: int

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def upload_check(uploaded_file, *, field: str = "file") -> CheckedUpload:
    """Read and check an upload: not empty, at most DOCUMENT_MAX_BYTES, a PDF, JPEG or PNG by its content.

    Raises DomainError naming ``field``; nothing is stored here.
    """
    size = uploaded_file.size
    if size > settings.DOCUMENT_MAX_BYTES:
        raise DomainError(
            _("%(name)s is %(size).1f MB; a document may be at most %(max).0f MB.")
            % {"name": uploaded_file.name, "size": size / 1048576, "max": settings.DOCUMENT_MAX_BYTES / 1048576},
            field=field,
        )
    if size == 0:
        raise DomainError(_("%(name)s is empty.") % {"name": uploaded_file.name}, field=field)
    uploaded_file.seek(0)
    content = uploaded_file.read()
    sniffed = sniff_content_type(content[:16])
    if sniffed is None:
        raise DomainError(
            _("%(name)s is not a PDF, JPEG or PNG file (judged by its content, not its name).")
            % {"name": uploaded_file.name},
            field=field,
        )
    content_type, extension = sniffed
    return CheckedUpload(content=content, content_type=content_type, extension=extension,
                         sha256=hashlib.sha256(content).hexdigest(),
                         name=document_name(uploaded_file.name, content_type), size=size)
