"""A small bounded cache for the explorers' recomputations (private to ``gumbel_utils.viz``)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable

__all__ = ["LruCache"]


class LruCache(OrderedDict):
    """Least-recently-used cache: moving a slider for an hour keeps at most ``size`` results.

    Parameters
    ----------
    size : int, optional
        How many results to keep.
    """

    def __init__(self, size: int = 48) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: Any, make: Callable[[], Any]) -> Any:
        """The cached value of ``key``, or ``make()`` (then cached).

        Parameters
        ----------
        key : hashable
            What identifies the result (the control values it depends on).
        make : callable
            Computes it.
        """
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        if len(self) > self.size:
            self.popitem(last=False)
        return value
