"""Procedure catalogue, declarations, the dossier and its state machine, the citizen portal."""
