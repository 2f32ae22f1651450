"""Outgoing SMS and e-mail through one gateway abstraction (console and HTTP backends)."""
