"""Citizen-facing views of the procedures app, one module per area."""
