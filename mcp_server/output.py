"""What every tool answers: a short text summary, the data, and the data version it came from.

A tool body is a plain synchronous function that validates its arguments, calls selectors and the
REST API's serializers, and returns an `Answer`. `read_only_tool` turns it into an MCP tool: the
body runs in Django's thread-sensitive worker (the thread Django's own views run in, so the ORM
is never touched from the event loop), the answer is stamped with the data version and the latest
release, and the result carries both `structuredContent` (validated against `ToolOutput`) and the
same JSON as text for clients that read only text. A `ToolError` raised by the body becomes an
MCP tool error (`isError`) with its message; anything else is logged and reported as a crash
without internals.
"""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import prometheus_client
from asgiref.sync import sync_to_async
from django.db import close_old_connections, connection
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field
from rest_framework.utils.encoders import JSONEncoder

from curation.selectors import release_latest_summary
from genes.scoring import score_run_latest
from mcp_server.tool_cache import tool_result_cached

T = TypeVar("T")
TOOL_CALLS = prometheus_client.Counter(
    "kgdb_mcp_tool_calls",
    "MCP tool calls by tool and outcome (ok, error: a ToolError the caller sees, crash)",
    ["tool", "outcome"],
)
TOOL_SECONDS = prometheus_client.Histogram(
    "kgdb_mcp_tool_seconds",
    "Time to answer an MCP tool call (ORM work and cache lookup; not the transport)",
    ["tool"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


class Provenance(BaseModel):
    """Which data an answer was computed from, so it can be cited or reproduced."""

    data_version: int = Field(
        description="The score recompute the answer reflects (it changes whenever scores do)"
    )
    scores_computed_at: str | None = Field(description="When that recompute finished (ISO 8601)")
    latest_release: str | None = Field(
        description="The newest published release (cite it; the live data may be newer)"
    )
    latest_release_published_at: str | None = None
    citation: str | None = Field(None, description="How to cite the latest release")


class ToolOutput(BaseModel):
    """The envelope of every tool's structured result."""

    summary: str = Field(description="One or two sentences for a person")
    data: Any = Field(description="The answer; the same shapes as the REST API's")
    meta: dict[str, Any] = Field(default_factory=dict, description="Counts, paging, limits")
    provenance: Provenance


@dataclass
class Answer:
    summary: str
    data: Any
    meta: dict[str, Any] = field(default_factory=dict)


def provenance_current() -> Provenance:
    """The data version and the latest release, two indexed lookups."""
    run = score_run_latest()
    release = release_latest_summary()
    finished = run.finished_at if run is not None else None
    published = release["published_at"] if release else None
    return Provenance(
        data_version=run.pk if run is not None else 0,
        scores_computed_at=finished.isoformat() if finished else None,
        latest_release=release["version"] if release else None,
        latest_release_published_at=published.isoformat() if published else None,
        citation=(release["citation"] or None) if release else None,
    )


def _provenance_line(provenance: Provenance) -> str:
    release = provenance.latest_release or "none published yet"
    return f"Data version {provenance.data_version}; latest release: {release}."


def answer_payload(name: str, body: Callable[..., Answer], arguments: dict[str, Any]) -> dict:
    """Run a tool body and stamp its answer (JSON-ready); used by the tool wrapper and cache."""
    answer = body(**arguments)
    provenance = provenance_current()
    output = ToolOutput(
        summary=f"{answer.summary} {_provenance_line(provenance)}",
        data=answer.data,
        meta=answer.meta,
        provenance=provenance,
    )
    # The REST API's encoder, so datetimes and decimals read exactly as the API writes them.
    return json.loads(json.dumps(output.model_dump(mode="python"), cls=JSONEncoder))


def _with_connection_release(function: Callable[..., T], *args: Any) -> T:
    try:
        return function(*args)
    finally:
        # The MCP path passes no request_started/finished signals: hand the connection back
        # (to the pool, under PostgreSQL) as Django does after a request. Never inside a
        # test's transaction, which owns the connection.
        if not connection.in_atomic_block:
            close_old_connections()


async def django_call(function: Callable[..., T], *args: Any) -> T:
    """Run ORM code from the event loop in the thread Django's sync views run in."""
    return await sync_to_async(_with_connection_release, thread_sensitive=True)(function, *args)


def _run_body(name: str, body: Callable[..., Answer], arguments: dict[str, Any]) -> dict:
    return tool_result_cached(name, arguments, lambda: answer_payload(name, body, arguments))


def read_only_tool(server: MCPServer, body: Callable[..., Answer]) -> None:
    """Register `body` as a read-only tool named after it, described by its docstring."""
    name = body.__name__
    signature = inspect.signature(body, eval_str=True)

    async def tool(**arguments: Any) -> CallToolResult:
        started = time.perf_counter()
        outcome = "crash"
        try:
            payload = await django_call(_run_body, name, body, arguments)
            outcome = "ok"
        except ToolError:
            outcome = "error"
            raise
        finally:
            TOOL_CALLS.labels(name, outcome).inc()
            TOOL_SECONDS.labels(name).observe(time.perf_counter() - started)
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return CallToolResult(
            content=[
                TextContent(type="text", text=payload["summary"]),
                TextContent(type="text", text=text),
            ],
            structured_content=payload,
        )

    tool.__name__ = name
    tool.__doc__ = body.__doc__
    tool.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=Annotated[CallToolResult, ToolOutput]
    )
    server.add_tool(
        tool, name=name, description=inspect.cleandoc(body.__doc__ or ""), annotations=READ_ONLY
    )


__all__ = ["Answer", "ToolError", "ToolOutput", "Provenance", "read_only_tool"]
