"""Operations on lists of subscribers (B1–B5)."""
