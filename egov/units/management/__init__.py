"""Management commands of the units app."""
