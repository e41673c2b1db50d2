"""A bounded in-memory store, owned by whoever needs one (never a module global).

The on-disk :class:`~artopic_nb.data.cache.Cache` keeps results across sessions; a
:class:`Memo` keeps the few intermediate values that one object reuses within a session and
that are not results of their own: a study's runner keeps the clustering algorithm's labels
(an edit or a level change reruns the cluster step, which must not refit HDBSCAN), a split's
parts (an undo replays every split of the log), and an image map its encoded atlas pages.
Entries are dropped least recently used first beyond ``max_entries`` or ``max_bytes``.

Example
-------
>>> memo = Memo(max_entries=2)
>>> memo.get_or_compute("a", lambda: 1), memo.get_or_compute("a", lambda: 2)
(1, 1)
>>> _ = memo.get_or_compute("b", lambda: 3); _ = memo.get_or_compute("c", lambda: 4)
>>> "a" in memo, len(memo)
(False, 2)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np

__all__ = ["Memo"]


def _size(value: Any) -> int:
    """Bytes held by ``value`` (arrays and bytes; a tuple sums its parts; others count 0)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(v) for v in value)
    return 0


class Memo:
    """Values by key, least recently used dropped beyond ``max_entries`` or ``max_bytes``
    (the newest entry is always kept). Safe to share between threads.

    ``get`` returns what was put; a caller that may change an array copies it.
    """

    def __init__(self, max_entries: int = 64, max_bytes: int | None = None):
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries, self.max_bytes = int(max_entries), max_bytes
        self.nbytes = 0
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Memo({len(self)} entries, {self.nbytes / 2 ** 20:.1f} MB)"

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._entries:
                return default
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            if key in self._entries:
                self.nbytes -= _size(self._entries.pop(key))
            self._entries[key] = value
            self.nbytes += _size(value)
            while len(self._entries) > 1 and (
                    len(self._entries) > self.max_entries
                    or self.max_bytes is not None and self.nbytes > self.max_bytes):
                self.nbytes -= _size(self._entries.popitem(last=False)[1])

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value kept for ``key``, or ``compute()`` kept and returned."""
        missing = object()
        value = self.get(key, missing)
        if value is missing:
            value = compute()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.nbytes = 0
