"""Accounts: citizens and officers, their roles and units, and the jurisdiction rule every selector uses."""
