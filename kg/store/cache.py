"""A bounded cache of whole SPARQL results, valid until the store is next written.

Clients send the same queries again and again (the explorer, dashboards, a fact-checker paging
through a speaker). Each entry keeps the store's write generation it was computed at; any write
moves the generation on, so an entry computed before it is never served after it. Least recently
used entries leave first once ``max_bytes`` is reached; results over ``max_entry_bytes`` are not
kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["ResultCache"]


class ResultCache:
    """Results (media type and bytes) by key, each tagged with the generation it was made at."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.size = 0
        self._entries: OrderedDict[Hashable, tuple[int, str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> tuple[str, bytes] | None:
        """The result stored under ``key`` at ``generation``, or None (a stale one is dropped)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] != generation:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1], entry[2]

    def put(self, key: Hashable, generation: int, media_type: str, data: bytes) -> None:
        if len(data) > self.max_entry_bytes or len(data) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (generation, media_type, data)
            self.size += len(data)
            while self.size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        self.size -= len(self._entries.pop(key)[2])

    def __len__(self) -> int:
        return len(self._entries)
