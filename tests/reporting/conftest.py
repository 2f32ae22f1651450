"""Personas of tests/procedures and tests/onecounter, plus the rollout of the test district."""

from datetime import date

import pytest

from egov.units.models import DistrictRollout
from tests.onecounter.conftest import *  # noqa: F403


@pytest.fixture
def rollout(district):
    """Ba Đình went online officially on 10/08/2016, like every urban district of Hanoi."""
    return DistrictRollout.objects.create(
        district=district, trial_start=date(2016, 8, 1), official_start=date(2016, 8, 10)
    )
