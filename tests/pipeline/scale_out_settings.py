"""Settings for the multi-process scale-out test: production settings plus a fake source.

The relay is slowed right down so progress seen by clients during the short fake run must
come through Redis (the worker's published events), not from database polling.
"""

from kidney_genetics.settings import *  # noqa: F403

PIPELINE_RUN_EXECUTOR = "tests.pipeline.realtime_fakes.fake_execute"
PIPELINE_RELAY_INTERVAL = 30.0
Q_CLUSTER = {**Q_CLUSTER, "name": "kgdb_scale_out_test", "workers": 1}  # noqa: F405

# redis-py 8 times sockets out after 5 s by default, which is exactly channels_redis's
# blocking-receive time, so every idle consumer dies with "Timeout reading"; and its asyncio
# pool stops at 100 connections, so the 101st concurrent connect fails. The production
# settings need the same host options (reported to the lead; settings.py is not ours).
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL, "socket_timeout": 15, "max_connections": 2000}]  # noqa: F405
        },
    }
}
