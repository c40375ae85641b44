"""The demo snapshot with one curator decision and one published release, loaded once per
module, and an in-process MCP client session.

Tools run their ORM code with `sync_to_async(thread_sensitive=True)`. Driving the client with
`async_to_sync` from the test thread makes that thread the one the tools run in, so they see
the test's transaction (and the demo rows) like a view under the test client does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from curation import services
from curation.models import Verdict
from genes.models import Gene


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


@pytest.fixture(scope="module")
def demo_release(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Demo data, a decision on PKD1 and a published release; rolled back after the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=_Sink(), stderr=_Sink())
            admin = User.objects.create_superuser("mcp-admin", password="x-unused-1")
            services.decision_record(
                gene=Gene.objects.get(symbol="PKD1"),
                verdict=Verdict.CONFIRMED,
                rationale="Demo decision.",
                user=admin,
            )
            draft = services.release_draft_create(title="MCP test release", user=admin)
            release = services.release_publish(release=draft, user=admin)
            yield release.version
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def mcp_session(demo_release, db) -> Callable[[Callable[[Any], Awaitable[Any]]], Any]:
    """`mcp_session(async_fn)` runs `async_fn(client)` in a fresh in-process client session."""
    from mcp import Client

    from mcp_server.server import mcp_server_build

    server = mcp_server_build()

    def run(body: Callable[[Any], Awaitable[Any]]) -> Any:
        async def session() -> Any:
            async with Client(server) as client:
                return await body(client)

        return async_to_sync(session)()

    return run


@pytest.fixture
def call_tool(mcp_session) -> Callable[..., Any]:
    """`call_tool(name, **arguments)` → the CallToolResult of one call."""

    def call(name: str, **arguments: Any) -> Any:
        return mcp_session(lambda client: client.call_tool(name, arguments))

    return call
