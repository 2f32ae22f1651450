"""The demo dossiers as data: data/demo-dossiers.toml read into checked records, and a bad file refused whole with
each problem named."""

from datetime import time

import pytest
from django.core.management.base import CommandError

from portal.demo_dossiers import STEP_ACTIONS, Step, demo_dossiers_read
from procedures.models import Channel


def test_the_shipped_file_tells_the_story_with_every_kind_of_step():
    dossiers = demo_dossiers_read()

    assert len(dossiers) == 21
    assert {step.action for dossier in dossiers for step in dossier.steps} == STEP_ACTIONS
    assert {dossier.channel for dossier in dossiers} == set(Channel)
    # Times are counted back from the day of loading, so the story is always in the past.
    assert min(step.working_days_ago for dossier in dossiers for step in dossier.steps) >= 1
    first = dossiers[0]
    assert (first.procedure, first.channel, first.phone) == ("HT-BSTL", Channel.ONLINE_SELF, "")
    assert first.steps[0] == Step(working_days_ago=9, at=time(10, 5), action="submit")
    assert first.answers == {"trich-luc": {"register_kind": "marriage", "person_name": "Nguyễn Văn An", "copies": "1"}}


def test_a_file_with_bad_dossiers_is_refused_naming_each_problem(tmp_path):
    file = tmp_path / "demo.toml"
    file.write_text(
        """
[[dossier]]
procedure = "HT-KS"
channel = "counter"
steps = [{ working_days_ago = 1, at = "09:00", action = "sign" }]

[[dossier]]
procedure = "HT-KS"
channel = "counter"
steps = [{ working_days_ago = 0, at = "09:00", action = "file_at_counter" }]

[[dossier]]
procedure = "HT-KS"
channel = "fax"
steps = [{ working_days_ago = 1, at = "09:00", action = "file_at_counter" }]

[[dossier]]
procedure = "HT-KS"
channel = "counter"
step = [{ working_days_ago = 1, at = "09:00", action = "file_at_counter" }]

[[dossier]]
procedure = "HT-KS"
channel = "counter"
steps = [{ working_days_ago = 1, at = "09:00", action = "file_at_counter" }]
""",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as refused:
        demo_dossiers_read(path=file)

    assert str(refused.value).splitlines() == [
        f"{file}, dossier 1: unknown action 'sign'",
        f"{file}, dossier 2: working_days_ago must be a whole number of at least 1, not 0",
        f"{file}, dossier 3: 'fax' is not a valid Channel",
        f"{file}, dossier 4: unknown keys ['step']",
    ]


@pytest.mark.parametrize("content", ["", "[[dossier]\n"], ids=["no-dossier", "not-toml"])
def test_an_empty_or_broken_file_is_refused(tmp_path, content):
    file = tmp_path / "demo.toml"
    file.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=str(file)):
        demo_dossiers_read(path=file)
