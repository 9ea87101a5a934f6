"""Evidence files: checked by what they contain, cleaned, and kept out of public reach.

A file is accepted only if its bytes are a PNG, a JPEG or a PDF, whatever its name says.
Images are decoded and written out again, which drops EXIF and other metadata (camera,
location, software) and anything hidden after the image data. PDFs that carry script,
automatic actions, forms that submit or embedded files are refused.
"""

import hashlib
import io
import re
import shutil
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"

# PDF names that make a document do something when opened or clicked.
PDF_ACTIVE_NAMES = (
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/RichMedia",
    "/XFA",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
)
# Names may be written with #xx escapes (/J#61vaScript) to slip past a naive scan, so the
# raw scan decodes them first; the object walk below reads the parsed names as well.
_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_ACTIVE_SET = {name.encode() for name in PDF_ACTIVE_NAMES}
# A bound on the object walk, far above any screenshot or letter saved as PDF.
MAX_PDF_OBJECTS = 200_000


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self):
        return len(self.content)


def _refuse(message, code):
    raise ValidationError(message, code=code)


def sniff(head):
    if head.startswith(PNG_MAGIC):
        return "image/png"
    if head.startswith(JPEG_MAGIC):
        return "image/jpeg"
    if head.startswith(PDF_MAGIC):
        return "application/pdf"
    return None


def clean_upload(upload):
    """Check one uploaded file and return its cleaned content, or raise ValidationError."""
    limit = settings.MODERATION_EVIDENCE_MAX_BYTES
    name = getattr(upload, "name", "file")
    if upload.size > limit:
        _refuse(
            f"{name} is {filesizeformat(upload.size)}; evidence files can be at most "
            f"{filesizeformat(limit)}. Crop the screenshot or save a smaller copy.",
            "too_large",
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        _refuse(f"{name} is larger than {filesizeformat(limit)}.", "too_large")
    kind = sniff(data[:16])
    if kind is None:
        _refuse(
            f"{name} is not a PNG, JPEG or PDF file (its content was checked, not its "
            "name). Save the screenshot as PNG or JPEG, or the document as PDF.",
            "wrong_type",
        )
    if kind == "application/pdf":
        _check_pdf(data, name)
        content = data
    else:
        content, kind = _reencode_image(data, kind, name)
    return CleanFile(
        content=content, content_type=kind, sha256=hashlib.sha256(content).hexdigest()
    )


def _reencode_image(data, kind, name):
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                expected = {"image/png": "PNG", "image/jpeg": "JPEG"}[kind]
                if image.format != expected:
                    raise ValueError("format does not match its signature")
                image.load()
                # Turn the picture the way the camera meant before the EXIF goes.
                image = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if kind == "image/png":
                    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                        image = image.convert("RGBA")
                    image.save(out, format="PNG", optimize=True)
                else:
                    if image.mode not in ("L", "RGB"):
                        image = image.convert("RGB")
                    image.save(out, format="JPEG", quality=90)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(f"{name} is too large an image to accept.", "too_large")
    except Exception:  # Pillow raises many kinds of error on a damaged or fake image
        _refuse(f"{name} could not be read as an image. It may be damaged.", "unreadable")
    return out.getvalue(), kind


def _decoded_names(data):
    for match in _NAME.finditer(data):
        raw = match.group(0)
        if b"#" in raw:
            try:
                raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
            except ValueError:
                continue
        yield raw


def _check_pdf(data, name):
    active = (
        f"{name} contains script, automatic actions or embedded files, which are not "
        "accepted. Print it to a new PDF, or take a screenshot instead."
    )
    if any(raw in _ACTIVE_SET for raw in _decoded_names(data)):
        _refuse(active, "pdf_active_content")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _refuse(f"{name} is password-protected. Save an unprotected copy.", "pdf_encrypted")
        # Compressed object streams hide names from the raw scan; walk the parsed objects.
        size = _xref_size(reader)
        if size > MAX_PDF_OBJECTS:
            _refuse(f"{name} is too complex a PDF to check.", "unreadable")
        for number in range(1, size):
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: S112 - a free or missing object number has nothing to check
                continue
            if _has_active_key(obj):
                _refuse(active, "pdf_active_content")
        if len(reader.pages) == 0:
            raise ValueError("no pages")
    except ValidationError:
        raise
    except Exception:
        _refuse(f"{name} could not be read as a PDF. It may be damaged.", "unreadable")


def _xref_size(reader):
    size = reader.trailer.get("/Size", 0)
    try:
        return int(size)
    except (TypeError, ValueError):
        return 0


def _has_active_key(obj):
    from pypdf.generic import DictionaryObject, StreamObject

    if isinstance(obj, StreamObject | DictionaryObject):
        return any(str(key) in PDF_ACTIVE_NAMES for key in obj) or (
            str(obj.get("/S", "")) in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData")
        )
    return False


# Storage: one folder per file under the private root, so removing the folder removes
# the file and anything derived from it.


def evidence_root():
    return Path(settings.PRIVATE_STORAGE_ROOT) / "moderation-evidence"


def folder_for(key):
    text = str(key)
    return evidence_root() / text[:2] / text


def stored_path(key):
    return folder_for(key) / "file"


def write(key, content):
    folder = folder_for(key)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "file"
    tmp = folder / "file.partial"
    tmp.write_bytes(content)
    tmp.replace(path)
    return path


def remove(key):
    """Delete the stored file and every copy derived from it; a missing folder is fine."""
    shutil.rmtree(folder_for(key), ignore_errors=True)
    return not folder_for(key).exists()


def stored_keys(*, changed_before):
    """The keys of the stored folders last changed before ``changed_before`` (a Unix
    time), read from the disk, not the database."""
    root = evidence_root()
    if not root.is_dir():
        return
    for shard in root.iterdir():
        if not shard.is_dir():
            continue
        for folder in shard.iterdir():
            try:
                key = uuid.UUID(folder.name)
                changed = folder.stat().st_mtime
            except (ValueError, OSError):
                continue  # not a folder of ours, or gone meanwhile
            if changed < changed_before:
                yield key
