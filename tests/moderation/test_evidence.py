import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from moderation import evidence
from tests.moderation.helpers import jpeg_bytes, pdf_bytes, png_bytes, upload


def codes(error):
    return {e.code for e in error.value.error_list}


def test_a_png_is_accepted_and_its_metadata_stripped():
    clean = evidence.clean_upload(upload("shot.png", png_bytes(exif=True)))
    assert clean.content_type == "image/png"
    assert b"SpyCam" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


def test_a_jpeg_loses_its_camera_and_location_details():
    original = jpeg_bytes(gps=True)
    assert b"SpyCam" in original
    clean = evidence.clean_upload(upload("photo.jpg", original))
    assert clean.content_type == "image/jpeg"
    assert b"SpyCam" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as image:
        assert not image.getexif()


def test_the_type_comes_from_the_content_not_the_name():
    clean = evidence.clean_upload(upload("looks-like.pdf", png_bytes()))
    assert clean.content_type == "image/png"


@pytest.mark.parametrize(
    "content",
    [
        b"<html><script>alert(1)</script></html>",
        b"MZ\x90\x00 an executable",
        b"GIF89a not allowed either",
        b"just some text",
    ],
)
def test_a_file_of_another_type_renamed_to_png_is_refused(content):
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("innocent.png", content, "image/png"))
    assert codes(error) == {"wrong_type"}


def test_a_fake_png_with_only_the_signature_is_refused():
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("fake.png", b"\x89PNG\r\n\x1a\n" + b"rubbish" * 20))
    assert codes(error) == {"unreadable"}


def test_an_oversized_file_is_refused(settings):
    settings.MODERATION_EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("big.png", png_bytes(size=(400, 400)) + b"\0" * 2000))
    assert codes(error) == {"too_large"}


def test_a_plain_pdf_is_accepted_as_it_is():
    content = pdf_bytes()
    clean = evidence.clean_upload(upload("letter.pdf", content))
    assert clean.content_type == "application/pdf"
    assert clean.content == content


@pytest.mark.parametrize(
    "catalog",
    [
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ",
        b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >> ",
        b"/AA << /O << /S /Launch /F (calc.exe) >> >> ",
        b"/Names << /EmbeddedFiles << /Names [] >> >> ",
        b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ",
    ],
)
def test_a_pdf_with_script_actions_or_embedded_files_is_refused(catalog):
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("letter.pdf", pdf_bytes(extra_catalog=catalog)))
    assert codes(error) == {"pdf_active_content"}


@pytest.mark.parametrize(
    "catalog",
    [b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ", b"/AA << /O 3 0 R >> "],
)
def test_the_parsed_objects_are_checked_too_not_only_the_raw_bytes(monkeypatch, catalog):
    # Names inside compressed object streams never show in the raw bytes; with the raw
    # scan switched off the walk over the parsed objects must still refuse the file.
    monkeypatch.setattr(evidence, "_decoded_names", lambda data: iter(()))
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("letter.pdf", pdf_bytes(extra_catalog=catalog)))
    assert codes(error) == {"pdf_active_content"}
    assert evidence.clean_upload(upload("plain.pdf", pdf_bytes())).content_type == (
        "application/pdf"
    )


def test_a_damaged_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        evidence.clean_upload(upload("broken.pdf", b"%PDF-1.4\n garbage without structure"))
    assert codes(error) == {"unreadable"}


def test_files_are_stored_under_the_private_root_and_removed_with_their_folder(settings):
    import uuid

    key = uuid.uuid4()
    path = evidence.write(key, b"data")
    assert path.read_bytes() == b"data"
    assert str(path).startswith(str(settings.PRIVATE_STORAGE_ROOT))
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    (path.parent / "preview.jpg").write_bytes(b"derived")
    assert evidence.remove(key)
    assert not path.parent.exists()
    assert evidence.remove(key)  # a second removal is harmless
