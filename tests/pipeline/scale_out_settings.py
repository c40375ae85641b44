"""Settings for the multi-process scale-out test: the test settings plus a fake source.

The relay is slowed right down so progress seen by clients during the short fake run must
come through Redis (the worker's published events), not from database polling.
"""

from kidney_genetics.settings.test import *  # noqa: F403

PIPELINE_RUN_EXECUTOR = "tests.pipeline.realtime_fakes.fake_execute"
PIPELINE_RELAY_INTERVAL = 30.0
Q_CLUSTER = {**Q_CLUSTER, "name": "kgdb_scale_out_test", "workers": 1}  # noqa: F405
