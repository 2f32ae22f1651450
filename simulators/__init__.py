"""Runnable simulators of the police household registry and the social-insurance card system (separate processes)."""
