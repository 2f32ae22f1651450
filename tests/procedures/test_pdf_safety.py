"""PDF inspection: scripts, launch actions, embedded files and HTML are found; damaged or endless files are not read."""

import io
import random

import pytest
from pypdf import PdfWriter

from procedures import pdf_safety
from procedures.pdf_safety import PdfVerdict, pdf_inspect
from tests.procedures import pdfs
from tests.procedures.pdfs import pdf_bytes


def encrypted(password: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=password, owner_password="chu-so-huu", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_image_stream(data: bytes) -> bytes:
    """A one-page PDF carrying `data` as the bytes of a JPEG image, as a scan does."""
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /Filter /DCTDecode /Length %d >>\nstream\n" % len(
        data
    )
    return pdfs.one_page_pdf(
        page=b"/Resources << /XObject << /Im0 4 0 R >> >>", objects=(image + data + b"\nendstream",)
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf_bytes(), id="reportlab"),
        pytest.param(pdfs.CLEAN, id="by-hand"),
        pytest.param(pdfs.OPENS_AT_PAGE_ONE, id="open-at-page-one-and-a-web-link"),
        pytest.param(encrypted(""), id="protected-without-a-password"),
        # Names and tags inside a stream's bytes are chance in compressed data, not structure.
        pytest.param(with_image_stream(b"\xff\xd8 /JS /JavaScript <svg <html\x00 \xff\xd9"), id="look-alikes-in-data"),
    ],
)
def test_ordinary_pdfs_are_clean(content):
    assert pdf_inspect(content) == PdfVerdict.CLEAN


@pytest.mark.parametrize("content", pdfs.HOSTILE.values(), ids=pdfs.HOSTILE.keys())
def test_active_content_is_found(content):
    assert pdf_inspect(content) == PdfVerdict.ACTIVE


def test_the_parser_finds_a_script_no_byte_search_can_see():
    hidden = pdfs.HOSTILE["javascript-in-object-stream"]

    assert b"JavaScript" not in hidden and b"/JS" not in hidden
    assert pdf_inspect(hidden) == PdfVerdict.ACTIVE


def test_html_in_front_of_the_pdf_is_found():
    assert pdf_inspect(pdfs.HTML_THEN_PDF) == PdfVerdict.ACTIVE


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdfs.TRUNCATED, id="cut-in-half"),
        pytest.param(b"%PDF-1.7\n" + random.Random(13).randbytes(4096) + b"\n%%EOF\n", id="noise"),
        pytest.param(encrypted("mat-khau"), id="needs-a-password"),
        pytest.param(pdfs.one_page_pdf(catalog=b"/Deep " + b"[" * 100_000 + b"]" * 100_000), id="nested-100000-deep"),
    ],
)
def test_what_cannot_be_read_is_unreadable(content):
    assert pdf_inspect(content) == PdfVerdict.UNREADABLE


def test_the_walk_stops_at_its_object_limit(monkeypatch):
    many_arrays = pdfs.one_page_pdf(catalog=b"/Extra [" + b"[1] " * 50 + b"]")
    assert pdf_inspect(many_arrays) == PdfVerdict.CLEAN

    monkeypatch.setattr(pdf_safety, "MAX_OBJECTS", 20)

    assert pdf_inspect(many_arrays) == PdfVerdict.UNREADABLE


def test_the_walk_stops_at_its_time_limit(monkeypatch):
    monkeypatch.setattr(pdf_safety, "MAX_SECONDS", -1)

    assert pdf_inspect(pdfs.CLEAN) == PdfVerdict.UNREADABLE
