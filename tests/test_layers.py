"""The floors of the project (DESIGN.md §7, ADR 0002): `egov` is the ground floor and imports none of the apps above
it; `portal`, the shell with the home page and the demo, is the top floor and no app imports it."""

from pathlib import Path

from tests.conftest import absolute_imports

BASE_DIR = Path(__file__).resolve().parents[1]
APPS = ("procedures", "onecounter", "interconnect", "reporting")
SHELL = "portal"


def test_the_ground_floor_imports_no_app_above_it():
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {module}"
        for path, module in absolute_imports(BASE_DIR / "egov")
        if module.split(".")[0] in (*APPS, SHELL)
    ]
    assert offenders == []


def test_no_app_imports_the_shell():
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {module}"
        for app in ("egov", *APPS)
        for path, module in absolute_imports(BASE_DIR / app)
        if module.split(".")[0] == SHELL
    ]
    assert offenders == []
