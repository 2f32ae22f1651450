"""Pages every user sees: home, officer homes, language switch and the health check."""
