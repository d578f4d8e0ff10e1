"""One page of rows out of many: every list the pages show is paged in SQL and returned this way."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))


def bounds(page: int, page_size: int) -> tuple[int, int]:
    """The page number and size asked for, brought into range (the browser may send anything)."""
    return max(1, int(page)), min(max(1, int(page_size)), MAX_PAGE_SIZE)
