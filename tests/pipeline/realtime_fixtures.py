"""Fixtures for the realtime tests that drive consumers on their own event loops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers

T = TypeVar("T")
SETTLE_SECONDS = 5


@pytest.fixture
def fresh_channel_layers() -> Iterator[None]:
    """A new channel layer instance for each test.

    Every test body runs on a new event loop (async_to_sync), but channels keeps one layer
    instance per process; a Redis layer's receive lock taken on a previous test's loop can be
    left locked when that loop ends, so a later receive fails ("bound to a different event
    loop") or waits forever. A server has one loop for its lifetime and never meets this.
    """
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def run_async(body: Callable[[], Awaitable[T]]) -> T:
    """Run an async test body on a fresh event loop, then let its leftover tasks finish.

    Under async_to_sync, `database_sync_to_async` work runs in the calling (test) thread,
    which stops taking work once the body returns. A relay poll still in flight at that
    moment (its task already cancelled by the last disconnect, but waiting for its sync
    call) would then never finish, and closing the loop would wait for it forever. So the
    body's other tasks are given time to end while the test thread still serves them.
    """

    async def wrapper() -> T:
        try:
            return await body()
        finally:
            current = asyncio.current_task()
            leftovers = [task for task in asyncio.all_tasks() if task is not current]
            if leftovers:
                await asyncio.wait(leftovers, timeout=SETTLE_SECONDS)

    return async_to_sync(wrapper)()
