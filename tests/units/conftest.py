"""Fixtures for the unit tests: the Hanoi tree loaded through the real command, and CSV files to load."""

from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def run_command(*args: str) -> str:
    """Run a management command and return what it printed."""
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def hanoi_legacy(db) -> str:
    # Loading takes well under a second, so each test gets its own tree inside its own transaction.
    return run_command("load_units", "--dataset", "hanoi-legacy")


@pytest.fixture
def hanoi_2025(db) -> str:
    return run_command("load_units", "--dataset", "hanoi-2025")


@pytest.fixture
def rollout_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write a rollout file with the standard header followed by `lines`."""

    def write(*lines: str) -> Path:
        path = tmp_path / "rollout.csv"
        path.write_text("\n".join(["district_code,district_name,trial_start,official_start", *lines]) + "\n")
        return path

    return write
