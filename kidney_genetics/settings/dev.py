"""Development settings for `make run` and local `manage.py` use.

`DEBUG` on (unless the environment or `.env` says otherwise), which in `base` also brings the
built-in development SECRET_KEY, plain-text logs and cookies that work over plain HTTP.
Everything else is the production configuration.
"""

import os

os.environ.setdefault("DEBUG", "true")

from kidney_genetics.settings.base import *  # noqa: E402, F403
