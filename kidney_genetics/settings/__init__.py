"""Settings modules: `base` (production), `dev` (`make run`) and `test` (pytest).

Importing any of them runs this first: it reads `.env` at the project root into the environment
without overriding variables already set, so the process environment always wins over the file
and the file wins over the defaults `dev` and `test` supply.
"""

from pathlib import Path

import environ

environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
