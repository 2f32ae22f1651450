"""What the Content-Security-Policy would refuse in a piece of HTML, for the tests of the policy and of the pages."""

from html.parser import HTMLParser


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
