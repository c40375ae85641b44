"""The MCP server: read-only tools and resources over the database, one instance per process.

Built lazily (`mcp_server_get()`) so importing the app never imports the SDK. The same server
object serves the stdio command and the streamable HTTP endpoint at /mcp/.
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.template.loader import render_to_string
from mcp.server.mcpserver import MCPServer

from kidney_genetics import __version__
from mcp_server.output import django_call, provenance_current, read_only_tool
from mcp_server.tools import catalogue, gene_lists, genes

SERVER_NAME = "kidney-genetics-db"
INSTRUCTIONS = (
    "Read-only access to the Kidney Genetics Database: genes with evidence for a role in kidney "
    "disease, their evidence score (0-100), tier, classic evidence count (0-5), per-source "
    "evidence with provenance, annotations, and published releases. Every answer names the data "
    "version and the latest release; cite a release for reproducible work. Resolve ambiguous "
    "symbols with resolve_genes rather than guessing. Not for clinical decisions on its own."
)
TOOLS = (
    genes.search_genes,
    genes.get_gene,
    genes.explain_score,
    genes.get_gene_evidence,
    genes.get_gene_annotations,
    gene_lists.resolve_genes,
    gene_lists.compare_gene_list,
    gene_lists.network_neighbours,
    catalogue.list_sources,
    catalogue.get_statistics,
    catalogue.list_releases,
    catalogue.get_release,
)
SCORING_RULES_URI = "kgdb://scoring-rules"
CITATION_URI = "kgdb://releases/latest/citation"


def _scoring_rules() -> str:
    from genes.views.pages import about_context

    return render_to_string("mcp_server/scoring_rules.md", about_context())


def _citation() -> str:
    provenance = provenance_current()
    return json.dumps(
        {
            "release": provenance.latest_release,
            "published_at": provenance.latest_release_published_at,
            "citation": provenance.citation,
            "data_version": provenance.data_version,
        },
        ensure_ascii=False,
    )


def mcp_server_build() -> MCPServer:
    """A new server with every tool and resource registered."""
    server = MCPServer(
        SERVER_NAME,
        title="Kidney Genetics Database",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )
    for body in TOOLS:
        read_only_tool(server, body)

    @server.resource(
        SCORING_RULES_URI,
        name="scoring-rules",
        title="Scoring rules",
        description="How the classic evidence count, the evidence score and the tiers are computed",
        mime_type="text/markdown",
    )
    async def scoring_rules() -> str:
        return await django_call(_scoring_rules)

    @server.resource(
        CITATION_URI,
        name="latest-release-citation",
        title="Citation of the latest release",
        description="The newest published release, its citation and the current data version",
        mime_type="application/json",
    )
    async def latest_citation() -> str:
        return await django_call(_citation)

    return server


@lru_cache(maxsize=1)
def mcp_server_get() -> MCPServer:
    """The process's server (tools are registered once)."""
    return mcp_server_build()
