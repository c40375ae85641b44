"""`python manage.py mcp_server`: the MCP server on stdio, for desktop assistants."""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the read-only MCP server on stdin/stdout (JSON-RPC; logs go to stderr)."

    def handle(self, *args: Any, **options: Any) -> None:
        from mcp_server.server import mcp_server_get

        # stdout carries the protocol: nothing else may write to it.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                handler.setStream(sys.stderr)
        mcp_server_get().run("stdio")
