"""Signing in and sessions (A1–A6)."""
