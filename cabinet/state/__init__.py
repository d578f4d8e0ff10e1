"""Reflex state: a tiny session state, then one small state per page."""
