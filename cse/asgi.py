import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from cse.core.asgi_limits import RequestBodyLimitMiddleware  # noqa: E402
from cse.core.websocket import WebsocketGateMiddleware  # noqa: E402
from cse.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": RequestBodyLimitMiddleware(django_asgi_app),  # 413 before a too-large body is read
        # the authentication gate (cse/core/gate.py) refuses before any consumer accepts; consumers re-check it
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(WebsocketGateMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)
