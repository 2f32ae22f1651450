"""PDFs written byte by byte for the upload tests: a clean one-page file, and the tricks hostile files use; a page
drawn by reportlab; and the poppler tools that read PDFs back."""

import io
import shutil
import struct
import zlib

from reportlab.pdfgen import canvas

from tests.conftest import require_in_ci

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s >>"


def _assemble(version: bytes, objects: list[bytes]) -> tuple[bytes, list[int]]:
    body, offsets = b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    return body, offsets


def one_page_pdf(
    *, catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = (), after: bytes = b""
) -> bytes:
    """A valid one-page PDF 1.4: `catalog` and `page` add entries to those dictionaries, `objects` are numbered
    from 4, `after` follows the end marker."""
    body, offsets = _assemble(b"1.4", [CATALOG % catalog, PAGES, PAGE % page, *objects])
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    size = len(offsets) + 1
    return (
        body
        + b"xref\n0 %d\n0000000000 65535 f \n" % size
        + table
        + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, len(body))
        + after
    )


def pdf_hiding_in_an_object_stream(hidden: bytes) -> bytes:
    """A PDF 1.5 whose catalogue opens object 5, kept compressed in an object stream where no byte search sees it."""
    header = b"5 0 "
    packed = zlib.compress(header + hidden)
    object_stream = (
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (len(header), len(packed))
        + packed
        + b"\nendstream"
    )
    body, offsets = _assemble(b"1.5", [CATALOG % b"/OpenAction 5 0 R", PAGES, PAGE % b"", object_stream])
    xref_at = len(body)
    rows = [(0, 0, 65535), *((1, offset, 0) for offset in offsets), (2, 4, 0), (1, xref_at, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    return (
        body
        + b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )


CLEAN = one_page_pdf()
# What word processors write: open at page 1, and a link to a web page.
OPENS_AT_PAGE_ONE = one_page_pdf(
    catalog=b"/OpenAction [3 0 R /Fit]",
    page=b"/Annots [4 0 R]",
    objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (https://dichvucong.gov.vn) >> >>",),
)

HOSTILE = {
    "openaction-javascript": one_page_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
    "names-javascript": one_page_pdf(
        catalog=b"/Names << /JavaScript 4 0 R >>",
        objects=(b"<< /Names [(run) 5 0 R] >>", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    ),
    "launch-annotation": one_page_pdf(
        page=b"/Annots [4 0 R]",
        objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>",),
    ),
    "page-additional-action": one_page_pdf(page=b"/AA << /O << /S /Launch /F (cmd.exe) >> >>"),
    "embedded-file": one_page_pdf(
        catalog=b"/Names << /EmbeddedFiles 4 0 R >>",
        objects=(
            b"<< /Names [(a.exe) 5 0 R] >>",
            b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ),
    ),
    "hex-escaped-name": one_page_pdf(catalog=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
    "javascript-in-object-stream": pdf_hiding_in_an_object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>"),
    # Referenced from nowhere: the parser never reaches it, a viewer rebuilding a damaged file might.
    "unreferenced-javascript": one_page_pdf(objects=(b"<< /S /JavaScript /JS (app.alert(1)) >>",)),
    "html-after-the-pdf": one_page_pdf(after=b"<html><body><script>alert(document.cookie)</script></body></html>\n"),
    "svg-in-a-comment": one_page_pdf(catalog=b"\n%<svg/onload=alert(1)>\n"),
}
# The HTML comes first; the PDF after it would still open in a reader that looks for %PDF- in the first kilobyte.
HTML_THEN_PDF = b"<!DOCTYPE html><html><script>alert(1)</script></html>\n" + CLEAN
TRUNCATED = CLEAN[: len(CLEAN) // 2] + b"\n%%EOF\n"


def pdf_bytes() -> bytes:
    """A one-page PDF as reportlab draws it, the same bytes every time."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=True)
    page.drawString(72, 720, "Giay chung sinh")
    page.save()
    return buffer.getvalue()


def pdf_tool(name: str, package: str) -> str:
    """The path of a command-line tool that reads PDFs (skipped locally, required in CI)."""
    path = shutil.which(name)
    if path is None:
        require_in_ci(f"{name} ({package})")
    return path
