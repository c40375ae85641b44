from django.apps import AppConfig


class McpServerConfig(AppConfig):
    """The read-only MCP server: tools over the same selectors and serializers as the REST API.

    It sits on top of every app and nothing imports it; the MCP SDK is imported only when the
    server is built (the `mcp_server` command, or the first request to `/mcp/`).
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "mcp_server"
    verbose_name = "MCP server"
