"""Requests («заявки»): stored, done by the worker item by item, their history (B6)."""
