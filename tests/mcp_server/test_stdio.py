"""`python manage.py mcp_server` speaks MCP on stdio: the SDK's stdio client starts it as a
subprocess on a database shared with the test, lists the tools and calls one."""

from __future__ import annotations

import anyio

from tests.factories import GeneFactory, GeneScoreFactory
from tests.pipeline.shared_db import (  # noqa: F401
    REPO_DIR,
    manage_command,
    shared_database,
    subprocess_env,
)

STARTUP_SECONDS = 60


def test_stdio_command_serves_tools_to_a_desktop_client(shared_database):  # noqa: F811
    from mcp import Client, StdioServerParameters

    GeneScoreFactory(gene=GeneFactory(symbol="STDIO1", name="stdio test gene"), score=61.5)
    command, *args = manage_command("mcp_server")
    parameters = StdioServerParameters(
        command=command, args=args, env=subprocess_env(shared_database), cwd=str(REPO_DIR)
    )

    async def session():
        with anyio.fail_after(STARTUP_SECONDS):
            async with Client(parameters) as client:
                tools = await client.list_tools()
                gene = await client.call_tool("get_gene", {"identifier": "stdio1"})
                missing = await client.call_tool("get_gene", {"identifier": "NOPE"})
                return tools, gene, missing

    tools, gene, missing = anyio.run(session)
    assert "search_genes" in {tool.name for tool in tools.tools}
    assert gene.structured_content["data"]["approved_symbol"] == "STDIO1"
    assert gene.structured_content["data"]["score"]["score"] == 61.5
    assert gene.content[0].text.startswith("STDIO1 (HGNC:")
    assert missing.is_error
