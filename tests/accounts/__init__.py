"""Tests of accounts: ID numbers, registration, login and its throttle, password reset, jurisdiction, admin."""
