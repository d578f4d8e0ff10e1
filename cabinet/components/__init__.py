"""Reusable page parts: the shell, cards, forms."""
