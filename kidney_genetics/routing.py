"""WebSocket routes; each app adds its consumers here."""

from django.urls import path

from pipeline.consumers import ProgressConsumer

websocket_urlpatterns: list = [
    path("ws/progress/", ProgressConsumer.as_asgi(), name="ws-progress"),
    path("ws/progress/<int:run_id>/", ProgressConsumer.as_asgi(), name="ws-progress-run"),
]
