"""The Content-Security-Policy: every page carries it, and no template holds what it blocks (an inline script or
style without the nonce, a style="" attribute, an on…="" handler, a javascript: URL)."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class _InlineCode(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text = self.get_starttag_text() or tag
        names = {name for name, _value in attrs}
        with_nonce = "nonce" in names or "csp_nonce" in text
        if tag == "script" and "src" not in names and not with_nonce:
            self.found.append(f"inline script without nonce: {text}")
        if tag == "style" and not with_nonce:
            self.found.append(f"<style> without nonce: {text}")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style attribute: {text}")
            elif name.startswith("on"):
                self.found.append(f"event handler attribute: {text}")
            elif (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL: {text}")


def blocked_by_csp(html: str) -> list[str]:
    """What the policy would refuse in this HTML (a template's source or a rendered page), tag by tag."""
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_what_the_policy_blocks():
    assert blocked_by_csp('<script src="/static/a.js"></script><style nonce="x"></style><p class="a">') == []
    assert blocked_by_csp("<style {% csp_nonce_attr %}>p {}</style>") == []
    found = blocked_by_csp(
        '<script>x()</script><style>p {}</style><p style="color: red"><a onclick="x()" href="javascript:x()">'
    )
    assert len(found) == 5


def test_no_template_holds_what_the_policy_blocks():
    templates = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
    assert len(templates) > 50
    found = {str(path): problems for path in templates if (problems := blocked_by_csp(path.read_text()))}
    assert found == {}


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == POLICY
