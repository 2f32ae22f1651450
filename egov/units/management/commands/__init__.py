"""load_units and load_rollout."""
