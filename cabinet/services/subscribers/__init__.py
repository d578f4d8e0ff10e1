"""The subscribers of an account, one at a time (S1–S8), and the one way they are chosen."""
