"""The Content-Security-Policy: every page carries it, and no template holds what it blocks (an inline script or
style without the nonce, a style="" attribute, an on…="" handler, a javascript: URL)."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.csp import blocked_by_csp

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


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
