"""Run axe-core (installed by npm into ./node_modules, never fetched from a CDN) in the Selenium browser."""

from pathlib import Path

from tests.conftest import require_in_ci

AXE_PATH = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, the level Vietnamese and international guidance ask of public services.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


def axe_source() -> str:
    if not AXE_PATH.exists():
        require_in_ci("axe-core (npm install)")
    return AXE_PATH.read_text(encoding="utf-8")


def axe_violations(driver) -> list[dict]:
    """The serious and critical axe violations of the page currently loaded in `driver`."""
    driver.execute_script(axe_source())
    driver.set_script_timeout(30)
    result = driver.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}})
          .then(results => done(results.violations))
          .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]));
        """,
        AXE_TAGS,
    )
    return [violation for violation in result if violation.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """One line per violation and offending element, readable in a test failure."""
    lines = []
    for violation in violations:
        targets = ", ".join(str(node.get("target")) for node in violation.get("nodes", [])[:5])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)
