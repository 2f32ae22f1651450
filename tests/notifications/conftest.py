"""The personas and dossiers of tests/procedures: the outbox's messages are about their dossiers."""

from tests.procedures.conftest import *  # noqa: F403
