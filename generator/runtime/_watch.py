"""Watch: the store's event history and the watchers that read it, for asyncio.

`EventLog` keeps the last `capacity` events (a ring) and the watchers. The store
appends to it under its lock, in resourceVersion order; each `Watcher` is an async
iterator of watch events (`{"type": ..., "object": ...}`) with a bounded queue: a
watcher that falls `queue_size` events behind is dropped, with an `ERROR` event
(410 Expired), so memory never grows with a slow reader.

A watch from a resourceVersion older than the history answers one `ERROR` event
with kube-apiserver's `too old resource version: X (Y)` (410 Expired).
"""

from __future__ import annotations

import asyncio
import collections
import copy
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._apierrors import KubeError, expired

__all__ = ["Event", "EventLog", "Watcher", "WatchFilter"]

ResourceKey = tuple[str, str]  # (group, plural)


@dataclass(frozen=True)
class Event:
    """One change: `object` is the object after it (for DELETED, as deleted), `previous`
    the object before it (None for ADDED)."""

    type: str
    resource: ResourceKey
    namespace: str
    name: str
    object: dict[str, Any]
    previous: dict[str, Any] | None
    resource_version: int


@dataclass(frozen=True)
class WatchFilter:
    """Which events a watcher sees: one resource, a namespace (`""`: all) and a predicate
    on objects (the label and field selectors)."""

    resource: ResourceKey
    namespace: str = ""
    matches: Callable[[dict[str, Any]], bool] = lambda obj: True

    def event(self, event: Event) -> dict[str, Any] | None:
        """The watch event this watcher sees for `event`, if any.

        An object that stops matching the selectors is DELETED for the watcher, one
        that starts matching ADDED, as kube-apiserver's watch cache does."""
        if event.resource != self.resource or (
            self.namespace and event.namespace != self.namespace
        ):
            return None
        now = self.matches(event.object)
        before = event.previous is not None and self.matches(event.previous)
        kind = event.type
        if kind == "MODIFIED":
            if now and not before:
                kind = "ADDED"
            elif before and not now:
                kind = "DELETED"
            elif not now:
                return None
        elif not now:
            return None
        return {"type": kind, "object": event.object}


class EventLog:
    """The last `capacity` events, and the live watchers."""

    def __init__(self, capacity: int = 1000, start: int = 0) -> None:
        self.capacity = capacity
        self._events: collections.deque[Event] = collections.deque()
        self.floor = start  # every event after this resourceVersion is kept
        self.current = start
        self._watchers: set[Watcher] = set()

    def append(self, event: Event) -> None:
        self._events.append(event)
        self.current = event.resource_version
        while len(self._events) > self.capacity:
            self.floor = self._events.popleft().resource_version
        for watcher in list(self._watchers):
            watcher._publish(event)

    def reset(self, start: int) -> None:
        """Forget the history (after loading a state): older versions are too old."""
        self._events.clear()
        self.floor = self.current = start

    def check(self, resource_version: int) -> None:
        """410 Expired if the events after `resource_version` are no longer all kept."""
        if resource_version < self.floor:
            raise expired(f"too old resource version: {resource_version} ({self.floor})")

    def since(self, resource_version: int) -> list[Event]:
        """The events after `resource_version`, oldest first (410 if not all kept)."""
        self.check(resource_version)
        return [e for e in self._events if e.resource_version > resource_version]

    def subscribe(self, watcher: Watcher) -> None:
        self._watchers.add(watcher)

    def unsubscribe(self, watcher: Watcher) -> None:
        self._watchers.discard(watcher)

    @property
    def watchers(self) -> int:
        return len(self._watchers)


class Watcher:
    """An async iterator of watch events, created by the store under its lock.

    `initial` are the events to send first (the synthetic ADDED events, or the
    replayed history); then live events as they happen. Iteration ends after
    `timeout_seconds`, after an ERROR event, or on `close()`. With `bookmarks`, a
    BOOKMARK event (only `metadata.resourceVersion`) comes every `bookmark_interval`
    seconds without other events.
    """

    def __init__(
        self,
        log: EventLog | None,
        filter: WatchFilter,
        initial: Iterable[dict[str, Any]],
        *,
        kind: str,
        api_version: str,
        resource_version: int,
        timeout_seconds: float | None = None,
        bookmarks: bool = False,
        bookmark_interval: float = 60.0,
        queue_size: int = 1000,
    ) -> None:
        self._log = log
        self._filter = filter
        self._pending: collections.deque[dict[str, Any]] = collections.deque(initial)
        self._kind = kind
        self._api_version = api_version
        self._seen = resource_version
        self._bookmarks = bookmarks
        self._interval = bookmark_interval
        self._deadline = None if timeout_seconds is None else time.monotonic() + timeout_seconds
        self._queue_size = queue_size
        self._queue: collections.deque[dict[str, Any]] = collections.deque()
        self._wakeup: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._error: dict[str, Any] | None = None
        try:
            self._loop = asyncio.get_running_loop()
            self._wakeup = asyncio.Event()
        except RuntimeError:
            self._loop = None
        if log is not None:
            log.subscribe(self)

    @classmethod
    def failed(cls, error: KubeError, *, kind: str, api_version: str) -> Watcher:
        """A watch that sends one ERROR event and ends (such as 410 for a too old version)."""
        watcher = cls(
            None,
            WatchFilter(("", "")),
            [{"type": "ERROR", "object": error.status()}],
            kind=kind,
            api_version=api_version,
            resource_version=0,
        )
        watcher._closed = True
        return watcher

    # Called by the log, under the store's lock, from any thread.
    def _publish(self, event: Event) -> None:
        loop = self._loop
        if loop is None:
            self._deliver(event)
            return
        try:
            loop.call_soon_threadsafe(self._deliver, event)
        except RuntimeError:  # the loop is closed: nobody reads this watcher any more
            self.close()

    def _deliver(self, event: Event) -> None:
        if self._closed:
            return
        self._seen = max(self._seen, event.resource_version)
        seen = self._filter.event(event)
        if seen is None:
            return
        if len(self._queue) >= self._queue_size:
            self._queue.clear()
            self._error = expired(
                f"the watcher fell more than {self._queue_size} events behind and was closed"
            ).status()
            self.close()
        else:
            self._queue.append(seen)
        if self._wakeup is not None:
            self._wakeup.set()

    def close(self) -> None:
        self._closed = True
        if self._log is not None:
            self._log.unsubscribe(self)
        if self._wakeup is not None:
            self._wakeup.set()

    @property
    def closed(self) -> bool:
        return self._closed

    def __aiter__(self) -> Watcher:
        return self

    def _bookmark(self) -> dict[str, Any]:
        return {
            "type": "BOOKMARK",
            "object": {
                "kind": self._kind,
                "apiVersion": self._api_version,
                "metadata": {"resourceVersion": str(self._seen)},
            },
        }

    async def __anext__(self) -> dict[str, Any]:
        while True:
            if self._pending:
                return copy.deepcopy(self._pending.popleft())
            if self._queue:
                return copy.deepcopy(self._queue.popleft())
            if self._error is not None:
                error, self._error = self._error, None
                return {"type": "ERROR", "object": error}
            if self._closed:
                raise StopAsyncIteration
            wait = self._interval if self._bookmarks else None
            if self._deadline is not None:
                left = self._deadline - time.monotonic()
                if left <= 0:
                    self.close()
                    raise StopAsyncIteration
                wait = left if wait is None else min(wait, left)
            if self._wakeup is None:  # created outside a loop: bind to this one
                self._loop = asyncio.get_running_loop()
                self._wakeup = asyncio.Event()
            self._wakeup.clear()
            if self._queue or self._closed:
                continue
            try:
                await asyncio.wait_for(self._wakeup.wait(), wait)
            except TimeoutError:
                if self._deadline is not None and time.monotonic() >= self._deadline:
                    continue
                if self._bookmarks:
                    return self._bookmark()

    async def aclose(self) -> None:
        self.close()
