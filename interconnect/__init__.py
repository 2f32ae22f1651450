"""Linked records to the police and social insurance (outbox), agency adapters, tasks and callbacks."""
