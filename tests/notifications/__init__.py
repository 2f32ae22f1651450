"""Tests of the SMS and e-mail gateway."""
