"""Rollups, dashboards, exports and the weekly report."""
