"""Whether an uploaded PDF holds active content (scripts, launch actions, embedded files, HTML) or cannot be read.

Decisions:
- Such a PDF is refused, not rewritten: a citizen can print it again to a clean PDF in a minute, while a
  rewrite would need a second parser whose output officers would have to trust (docs/adr/0014).
- pypdf walks the object graph from the trailer; names come back with their #xx escapes decoded, so
  /J#61vaScript is /JavaScript. A second pass reads the names in the file's own text (outside stream data),
  because a viewer repairing a damaged file may use an object the parser never reached.
- The walk is capped in objects and time, so a hostile file cannot hold a web worker.
"""

import enum
import io
import re
import time

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# As a key, a type or an action type, each of these means code that runs or a file carried inside:
# /OpenAction and /AA are not here because they usually hold a harmless "open at page 1"; the actions they
# start are checked like any other (/S /JavaScript, /S /Launch …).
_ACTIVE_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFiles",
        "/EmbeddedFile",
        "/EF",
        "/FileAttachment",
        "/GoToE",
        "/RichMedia",
        "/RichMediaExecute",
        "/XFA",
    }
)
# A tag that makes a browser treat the bytes as a page or run script by itself, or an <svg>/<img> with an event
# handler. The tag must be followed by what ends a tag name (or, for <svg>/<img>, carry an on…= attribute)
# because compressed streams are random bytes: a bare "<svg" would turn up by chance about once in 17 GB of
# uploads, while these patterns found nothing in 2 GB of random data and are expected far more rarely.
# The whole file is searched, stream data included: a deflate stream may store text uncompressed.
_HTML = re.compile(
    rb"<(?:!doctype|html|body|script|iframe)[\s/>]|<(?:svg|img)[\s/][^<>]{0,200}?\bon[a-z]+\s*=",
    re.IGNORECASE,
)
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]+)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# A 60-page scan has a few thousand objects; a file needing more than this, or more time, is not a scan.
MAX_OBJECTS = 50_000
MAX_SECONDS = 3.0


class PdfVerdict(enum.Enum):
    CLEAN = "clean"
    ACTIVE = "active"
    UNREADABLE = "unreadable"


class _TooComplex(Exception):
    pass


def pdf_inspect(content: bytes) -> PdfVerdict:
    """CLEAN, ACTIVE (scripts, actions that launch or open embedded files, embedded files, HTML) or UNREADABLE."""
    if _HTML.search(content) or any(name in _ACTIVE_NAMES for name in _names_in_text(content)):
        return PdfVerdict.ACTIVE
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        # Scanners often "protect" a PDF with an empty password; one that needs a real password cannot
        # be checked or read by the officer.
        if reader.is_encrypted and not reader.decrypt(""):
            return PdfVerdict.UNREADABLE
        active = _walk_finds_active(reader)
    # A hostile file can make any parser fail in any way (deep nesting ends in RecursionError); all of them
    # mean the same to the citizen: the file cannot be read.
    except Exception:
        return PdfVerdict.UNREADABLE
    return PdfVerdict.ACTIVE if active else PdfVerdict.CLEAN


def _walk_finds_active(reader: PdfReader) -> bool:
    deadline = time.monotonic() + MAX_SECONDS
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    walked = 0
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, NameObject):
            if item in _ACTIVE_NAMES:
                return True
            continue
        if not isinstance(item, DictionaryObject | ArrayObject):
            continue
        walked += 1
        if walked > MAX_OBJECTS or time.monotonic() > deadline:
            raise _TooComplex
        if isinstance(item, DictionaryObject):
            if any(key in _ACTIVE_NAMES for key in item):
                return True
            pending.extend(item.values())
        else:
            pending.extend(item)
    return False


def _names_in_text(content: bytes):
    """The names written in the file's text, #xx escapes decoded; stream data is skipped (random bytes)."""
    for match in _NAME.finditer(_outside_streams(content)):
        yield "/" + _ESCAPE.sub(lambda escape: bytes.fromhex(escape.group(1).decode()), match.group(1)).decode(
            "latin-1"
        )


def _outside_streams(content: bytes) -> bytes:
    # bytes.find keeps this linear: a regex with .*? would go quadratic on a file full of unclosed streams.
    parts, position = [], 0
    while (start := content.find(b"stream", position)) != -1:
        end = content.find(b"endstream", start + len(b"stream"))
        if end == -1:
            break
        parts.append(content[position:start])
        position = end + len(b"endstream")
    parts.append(content[position:])
    return b" ".join(parts)
