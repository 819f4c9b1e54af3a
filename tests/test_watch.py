"""Watch (generator/runtime/_watch.py through the store): initial events, resume, 410,
bookmarks, timeouts, selectors, slow watchers, and concurrent writers."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from generator.runtime._watch import Watcher
from tests.test_store import CM, NODE, configmap, make_store


async def take(watcher: Watcher, count: int, limit: float = 10.0) -> list[dict[str, Any]]:
    """The next `count` events (fewer if the watch ends); bounded by `limit` seconds."""
    events: list[dict[str, Any]] = []

    async def read() -> None:
        async for event in watcher:
            events.append(event)
            if len(events) == count:
                return

    await asyncio.wait_for(read(), limit)
    return events


def summary(events: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (
            e["type"],
            e["object"]["metadata"].get("name", ""),
            e["object"]["metadata"].get("resourceVersion", ""),
        )
        for e in events
    ]


def test_initial_added_then_live_events_in_order() -> None:
    async def main() -> None:
        store = make_store()
        store.create(CM, "default", configmap("a"))
        store.create(CM, "default", configmap("b"))
        for version in ("", "0"):
            watcher = store.watch(CM, "default", resource_version=version)
            assert summary(await take(watcher, 2)) == [("ADDED", "a", "1"), ("ADDED", "b", "2")]
            watcher.close()
        watcher = store.watch(CM, "default")
        store.update(CM, "default", "a", configmap("a", x="1"))
        store.delete(CM, "default", "b")
        store.create(CM, "default", configmap("c"))
        assert summary(await take(watcher, 5)) == [
            ("ADDED", "a", "1"),
            ("ADDED", "b", "2"),
            ("MODIFIED", "a", "3"),
            ("DELETED", "b", "4"),
            ("ADDED", "c", "5"),
        ]
        watcher.close()
        assert store.log.watchers == 0

    asyncio.run(main())


def test_resume_from_a_resource_version_replays_history() -> None:
    async def main() -> None:
        store = make_store()
        store.create(CM, "default", configmap("a"))
        store.create(CM, "default", configmap("b"))
        store.update(CM, "default", "a", configmap("a", x="1"))
        watcher = store.watch(CM, "default", resource_version="1")
        store.delete(CM, "default", "a")
        assert summary(await take(watcher, 3)) == [
            ("ADDED", "b", "2"),
            ("MODIFIED", "a", "3"),
            ("DELETED", "a", "4"),
        ]
        watcher.close()

    asyncio.run(main())


def test_too_old_resource_version_is_an_error_event() -> None:
    async def main() -> None:
        store = make_store(history=3)
        for i in range(6):
            store.create(CM, "default", configmap(f"cm-{i}"))
        events = await take(store.watch(CM, "default", resource_version="2"), 5)
        assert events == [
            {
                "type": "ERROR",
                "object": {
                    "kind": "Status",
                    "apiVersion": "v1",
                    "metadata": {},
                    "status": "Failure",
                    "message": "too old resource version: 2 (3)",
                    "reason": "Expired",
                    "code": 410,
                },
            }
        ]
        replay = await take(store.watch(CM, "default", resource_version="3"), 3)
        assert summary(replay) == [("ADDED", f"cm-{i}", str(i + 1)) for i in (3, 4, 5)]

    asyncio.run(main())


def test_bookmarks_carry_only_the_resource_version() -> None:
    async def main() -> None:
        store = make_store(bookmark_interval=0.05)
        store.create(CM, "default", configmap("a"))
        store.create(NODE, "", {"metadata": {"name": "n1"}})
        watcher = store.watch(CM, "default", resource_version="2", allow_bookmarks=True)
        events = await take(watcher, 1)
        assert events == [
            {
                "type": "BOOKMARK",
                "object": {
                    "kind": "ConfigMap",
                    "apiVersion": "v1",
                    "metadata": {"resourceVersion": "2"},
                },
            }
        ]
        store.create(NODE, "", {"metadata": {"name": "n2"}})  # not a ConfigMap: no event
        await asyncio.sleep(0)
        bookmark = (await take(watcher, 1))[0]
        assert bookmark["type"] == "BOOKMARK"
        assert bookmark["object"]["metadata"] == {"resourceVersion": "3"}
        watcher.close()

    asyncio.run(main())


def test_timeout_seconds_ends_the_watch() -> None:
    async def main() -> None:
        store = make_store()
        store.create(CM, "default", configmap("a"))
        watcher = store.watch(CM, "default", timeout_seconds=0.05)
        events = await take(watcher, 10)
        assert summary(events) == [("ADDED", "a", "1")]
        assert watcher.closed and store.log.watchers == 0

    asyncio.run(main())


def test_namespace_and_selector_filters_with_transitions() -> None:
    async def main() -> None:
        store = make_store()
        store.create(CM, "default", configmap("a", app="web"))
        store.create(CM, "default", configmap("b", app="db"))
        store.create(CM, "other", configmap("c", app="web"))
        watcher = store.watch(CM, "default", label_selector="app=web")
        store.update(CM, "default", "b", configmap("b", app="web"))  # starts matching
        store.update(CM, "default", "a", configmap("a", app="db"))  # stops matching
        store.update(CM, "other", "c", configmap("c", app="web", x="1"))  # other namespace
        store.update(CM, "default", "a", configmap("a", app="db", y="1"))  # still not matching
        store.update(CM, "default", "b", configmap("b", app="web", z="1"))
        assert summary(await take(watcher, 4)) == [
            ("ADDED", "a", "1"),
            ("ADDED", "b", "4"),
            ("DELETED", "a", "5"),
            ("MODIFIED", "b", "8"),
        ]
        watcher.close()
        everywhere = store.watch(CM, "", field_selector="metadata.name=c")
        assert summary(await take(everywhere, 1)) == [("ADDED", "c", "6")]
        everywhere.close()

    asyncio.run(main())


def test_a_slow_watcher_is_dropped_with_an_error() -> None:
    async def main() -> None:
        store = make_store(watch_queue=5)
        watcher = store.watch(CM, "default", resource_version=str(store.resource_version))
        for i in range(20):
            store.create(CM, "default", configmap(f"cm-{i}"))
        await asyncio.sleep(0)  # the deliveries run on the loop
        events = await take(watcher, 50)
        # the queued events are dropped with the watcher: memory stays bounded
        assert [e["type"] for e in events] == ["ERROR"]
        assert events[0]["object"]["code"] == 410
        assert events[0]["object"]["message"] == (
            "the watcher fell more than 5 events behind and was closed"
        )
        assert watcher.closed and store.log.watchers == 0

    asyncio.run(main())


def test_no_lost_or_duplicated_events_under_concurrent_writers() -> None:
    async def main() -> None:
        store = make_store(history=5000, watch_queue=5000)
        for i in range(5):
            store.create(CM, "default", configmap(f"seed-{i}"))
        watcher = store.watch(CM, "default")

        def writer(n: int) -> None:
            for i in range(40):
                name = f"w{n}-{i % 7}"
                try:
                    store.create(CM, "default", configmap(name))
                except Exception:
                    store.update(CM, "default", name, configmap(name, i=str(i)))
                if i % 5 == 4:
                    store.delete(CM, "default", name)

        async def async_writer(n: int) -> None:
            for i in range(30):
                store.update(CM, "default", f"seed-{n}", configmap(f"seed-{n}", i=str(i)))
                await asyncio.sleep(0)

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        await asyncio.gather(*(async_writer(n) for n in range(5)))
        for thread in threads:
            await asyncio.to_thread(thread.join, 30)
        final_rv = store.resource_version
        state: dict[str, dict[str, Any]] = {}
        versions: list[int] = []

        async def consume() -> None:
            async for event in watcher:
                meta = event["object"]["metadata"]
                rv = int(meta["resourceVersion"])
                if event["type"] == "DELETED":
                    assert meta["name"] in state
                    del state[meta["name"]]
                else:
                    assert (event["type"] == "ADDED") == (meta["name"] not in state)
                    state[meta["name"]] = event["object"]
                versions.append(rv)
                if rv == final_rv:
                    return

        await asyncio.wait_for(consume(), 30)
        watcher.close()
        initial = 5
        assert versions[initial:] == sorted(set(versions[initial:]))  # increasing, no duplicate
        assert len(versions) == initial + final_rv - 5  # every change since the seeds, once
        listed = {i["metadata"]["name"]: i for i in store.list(CM, "default")["items"]}
        assert state == listed

    asyncio.run(main())
