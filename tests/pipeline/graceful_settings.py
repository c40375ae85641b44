"""Settings for the graceful-stop test: the project's settings, a slow fake source run, and a
cluster name of its own (its queue is not the other multi-process tests')."""

from kidney_genetics.settings.test import *  # noqa: F403

PIPELINE_RUN_EXECUTOR = "tests.pipeline.realtime_fakes.fake_execute"
Q_CLUSTER = {**Q_CLUSTER, "name": "kgdb_graceful_stop_test", "workers": 1}  # noqa: F405
