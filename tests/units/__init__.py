"""Tests of the administrative units: loading the tree and the rollout, and the admin."""
