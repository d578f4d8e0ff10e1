"""The SIP administrator's cabinet (P1–P16)."""
