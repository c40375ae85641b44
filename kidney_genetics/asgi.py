"""ASGI entry point: HTTP goes to Django (behind the edge read cache) or, under /mcp/, to the
MCP server; WebSockets through Channels."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.base")
django.setup(set_prefix=False)

from common.asgi_handler import SyncChainASGIHandler  # noqa: E402
from common.edge_cache import edge_wrapped  # noqa: E402
from common.request_limits import RequestLimits  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from kidney_genetics.routing import websocket_urlpatterns  # noqa: E402
from mcp_server.asgi import mcp_mounted  # noqa: E402

application = ProtocolTypeRouter(
    {
        # URL and body limits first: nothing, not even the edge cache, works on a refused request.
        "http": RequestLimits(mcp_mounted(edge_wrapped(django_asgi_app))),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
