"""The worker threads that run user queries, and the hand-over of their output to a reader.

A ``Job`` is the file-like sink a pyoxigraph serializer writes into, on a ``Workers`` thread. It
holds the output back up to a hold size, then hands the head over once: to a blocked thread
(``Slot``) or to an event loop (``loop_slot``: one ``call_soon_threadsafe``, no extra task or
thread). A longer output streams on through a bounded queue. The worker stops at its next write
once the deadline passes or the reader goes away; both are plain checks, no lock per write.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any, NamedTuple

from kg.store import QueryTimeout, StoreError

__all__ = ["Cancelled", "Deliver", "Job", "RawHead", "Slot", "Workers", "loop_slot"]

CHUNK_BYTES = 64 << 10


class Cancelled(Exception):
    """The reader went away or gave up; the worker stops writing."""


class _Expired(Exception):
    """The deadline passed before the head came."""


class RawHead(NamedTuple):
    """A user query's whole output (``rest`` None), or its start and an iterator of the rest."""

    media_type: str
    head: bytes
    rest: Iterator[bytes] | None


Inbox = queue.SimpleQueue[Callable[[], None] | None]


class Workers:
    """``size`` daemon threads, started on first use and kept, each running one job at a time.

    Not ``ThreadPoolExecutor``: its threads are joined at exit, and a query pyoxigraph cannot
    interrupt must not block shutdown. The thread idle the shortest time takes the next job (its
    stack and caches are still warm), and jobs wait in a backlog while every thread is busy.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: list[Inbox] = []
        self._backlog: deque[Callable[[], None]] = deque()
        self._threads = 0
        self._closed = False
        self._lock = threading.Lock()

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                raise StoreError("store is closed")
            if self._idle:
                inbox = self._idle.pop()
            elif self._threads < self.size:
                inbox = queue.SimpleQueue()
                self._threads += 1
                threading.Thread(
                    target=self._loop, args=(inbox,), name="sparql-query", daemon=True
                ).start()
            else:
                self._backlog.append(job)
                return
        inbox.put(job)

    def _loop(self, inbox: Inbox) -> None:
        while (job := inbox.get()) is not None:
            job()
            while (job := self._take(inbox)) is not None:
                job()

    def _take(self, inbox: Inbox) -> Callable[[], None] | None:
        """The next job of the backlog, or None once this thread is idle (or told to end)."""
        with self._lock:
            if self._backlog:
                return self._backlog.popleft()
            if self._closed:
                inbox.put(None)
            else:
                self._idle.append(inbox)
        return None

    def close(self) -> None:
        """Let the threads end once their current job and the backlog are done."""
        with self._lock:
            self._closed = True
            for inbox in self._idle:
                inbox.put(None)
            self._idle.clear()


Head = tuple[str, bytes, bool]
Deliver = Callable[["Head | BaseException"], None]
STOPPED = "query stopped: it ran past the time limit"
NOT_STARTED = "query not started: every query worker is busy; try again later"


class Slot:
    """A blocking reader's hand-over: the worker puts the head (or the error) and wakes it."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.value: Head | BaseException | None = None

    def __call__(self, value: Head | BaseException) -> None:
        self.value = value
        self.ready.set()


def _settle(future: asyncio.Future, value: Head | BaseException) -> None:
    if future.done():
        return
    if isinstance(value, BaseException):
        future.set_exception(value)
    else:
        future.set_result(value)


def loop_slot(loop: asyncio.AbstractEventLoop) -> tuple[asyncio.Future, Deliver]:
    """An event loop's hand-over: one ``call_soon_threadsafe`` wakes the loop with the head."""
    future = loop.create_future()

    def deliver(value: Head | BaseException) -> None:
        with suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(_settle, future, value)

    return future, deliver


class Job:
    """One user query: a file-like sink for pyoxigraph writers that holds the first ``hold`` bytes.

    ``deliver`` gets, once and on the worker thread, the whole output, or its first ``hold`` bytes
    once there are that many, or the error; the rest then goes through a bounded queue in
    ``CHUNK_BYTES`` pieces, read by ``rest``. The reader only ever sets ``cancelled``.
    """

    def __init__(self, deadline: float | None, limit: int, hold: int, deliver: Deliver) -> None:
        self.deliver = deliver
        self.deadline, self.limit, self.hold = deadline, limit, hold
        self.queue: queue.Queue[tuple[str, Any]] | None = None
        self.cancelled = self.started = False
        self._state = threading.Lock()
        self.media_type = ""
        self.size = self.buffered = 0
        self.buffer: list[bytes] = []

    def begin(self) -> bool:
        """Worker: start, unless the reader already gave up."""
        with self._state:
            self.started = not self.cancelled
            return self.started

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(STOPPED)

    def put(self, kind: str, value: Any = None) -> None:
        assert self.queue is not None
        while True:
            self.check()
            with suppress(queue.Full):
                return self.queue.put((kind, value), timeout=0.1)

    def write(self, data: bytes) -> int:
        self.check()
        self.size += len(data)
        if self.size > self.limit:
            raise StoreError(f"result larger than {self.limit} bytes: add a LIMIT")
        self.buffer.append(bytes(data))
        self.buffered += len(data)
        if self.buffered >= (self.hold if self.queue is None else CHUNK_BYTES):
            self._send()
        return len(data)

    def flush(self) -> None:
        self.check()

    def _send(self) -> None:
        data = b"".join(self.buffer)
        self.buffer.clear()
        self.buffered = 0
        if self.queue is not None:
            self.put("data", data)
        else:
            self.queue = queue.Queue(maxsize=16)
            self.deliver((self.media_type, data, False))

    def finish(self) -> None:
        """Worker: the output is complete."""
        if self.queue is None:
            self.deliver((self.media_type, b"".join(self.buffer), True))
            return
        if self.buffer:
            self._send()
        self.put("end")

    def fail(self, exc: Exception) -> None:
        """Worker: the query failed; the reader gets ``exc``."""
        if self.queue is None:
            self.deliver(exc)
            return
        with suppress(Cancelled, QueryTimeout):
            self.put("error", exc)

    def abandon(self) -> QueryTimeout:
        """Reader: give up. A job not yet started never starts; a running one stops at a write."""
        with self._state:
            self.cancelled = True
            if not self.started:
                return QueryTimeout(NOT_STARTED)
        return QueryTimeout(STOPPED)

    def remaining(self) -> float | None:
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def wait(self, slot: Slot) -> RawHead:
        """Block until the head is in ``slot`` or the deadline passes."""
        if not slot.ready.wait(self.remaining()):
            raise self.abandon()
        return self.outcome(slot.value)

    async def wait_async(self, future: asyncio.Future) -> RawHead:
        """Await the head in ``future``; a timer, not a task, enforces the deadline."""
        loop = asyncio.get_running_loop()
        timer = None
        if self.deadline is not None:
            timer = loop.call_at(loop.time() + self.remaining(), _settle, future, _Expired())
        try:
            value = await future
        except _Expired:
            raise self.abandon() from None
        except BaseException:
            self.abandon()
            raise
        finally:
            if timer is not None:
                timer.cancel()
        return self.outcome(value)

    def outcome(self, value: Head | BaseException | None) -> RawHead:
        if isinstance(value, BaseException) or value is None:
            self.abandon()
            raise value or StoreError("the query ended without a result")
        media_type, data, complete = value
        return RawHead(media_type, data, None if complete else self._rest())

    def _rest(self) -> Iterator[bytes]:
        assert self.queue is not None
        try:
            while True:
                try:
                    kind, value = self.queue.get(timeout=self.remaining())
                except queue.Empty:
                    raise QueryTimeout(STOPPED) from None
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            self.cancelled = True
