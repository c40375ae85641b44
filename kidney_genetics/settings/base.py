"""Settings for the Kidney Genetics Database, driven by the environment (or a `.env` file).

These are the production settings: `DEBUG` is off unless the environment turns it on, and with
it off `SECRET_KEY` is required. `dev.py` (`make run`) and `test.py` (pytest) start from them;
`.env.example` lists every variable. With nothing else set, the app runs on an embedded default:
SQLite in `var/`, the in-memory channel layer, the django-q2 ORM broker and a local-memory
cache. `DATABASE_URL` and `REDIS_URL` switch to the production parts (PostgreSQL via psycopg 3;
Redis for channels, cache and the queue).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from common.logging import logging_config

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

# The package's __init__ has already read `.env` into the environment (without overriding it).
env = environ.Env()

# Off unless asked for: `make run` uses kidney_genetics.settings.dev, which turns it on.
DEBUG = env.bool("DEBUG", default=False)
_DEVELOPMENT_SECRET_KEY = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Production refuses to start without a "
            "secret key: set SECRET_KEY in the environment or in .env."
        )
    SECRET_KEY = _DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_q",
    "simple_history",
    "axes",
    "django_prometheus",
    "genes",
    "annotations",
    "pipeline",
    "curation",
    "mcp_server",
    "core",
]

MIDDLEWARE = [
    "core.metrics.PrometheusBeforeMiddleware",
    "common.middleware.RequestIdMiddleware",
    "common.request_limits.ControlCharacterMiddleware",
    "common.db_unavailable.DatabaseUnavailableMiddleware",
    "common.upload_limits.UploadSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.SecurityHeadersMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "genes.middleware.NotFoundPageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.metrics.PrometheusAfterMiddleware",
]

# Login lockout (django-axes) for the admin login and POST /api/auth/token/: after
# AXES_FAILURE_LIMIT failures for one username from one address, 429 until the cool-off ends.
AUTHENTICATION_BACKENDS = [
    "common.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock is flagged by the backend, where DRF's request is unwrapped (common/lockout.py).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "common.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
# Lockout, rate limits and the edge cache read the client's address one way (NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "common.throttling.request_client_address"

ROOT_URLCONF = "kidney_genetics.urls"
ASGI_APPLICATION = "kidney_genetics.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kidney_genetics.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    # Under ASGI every request runs in a thread of its own; persistent per-thread connections
    # would pile up past max_connections, so connections come from a psycopg pool instead.
    pool_max = env.int("DB_POOL_MAX_SIZE", default=16)
    if pool_max > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": pool_max,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
        DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # libpq gives up connecting after this many seconds (its default waits for the OS, minutes
    # on a blackholed host); /api/health/ then answers fast when the database is down.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2)
    )
    test_name = env.str("TEST_DATABASE_NAME", default="")
    if test_name:
        DATABASES["default"]["TEST"] = {"NAME": test_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")


def backing_services(redis_url: str) -> tuple[dict, dict, dict]:
    """CACHES, CHANNEL_LAYERS and the django-q2 broker for Redis at `redis_url`, or the embedded
    defaults when it is empty. The test settings call it again with each worker's database."""
    if not redis_url:
        return (
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
            {"orm": "default"},
        )
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            # A Redis outage degrades to cache misses, never to errors on public reads.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    channel_layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 defaults (5 s socket timeout, 100-connection pool) break idle
            # WebSocket consumers and the 101st concurrent client.
            "CONFIG": {
                "hosts": [{"address": redis_url, "socket_timeout": 15, "max_connections": 2000}]
            },
        }
    }
    return caches, channel_layers, {"redis": redis_url}


CACHES, CHANNEL_LAYERS, _Q_BROKER = backing_services(REDIS_URL)

Q_CLUSTER = {
    "name": "kidney_genetics",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=4 * 3600),
    "retry": env.int("Q_RETRY", default=4 * 3600 + 60),
    "max_attempts": 1,
    "catch_up": False,
    "save_limit": 500,
    "sync": env.bool("Q_SYNC", default=False),
    **_Q_BROKER,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# `manage.py backup` (core/backups.py): where, how many to keep, and the daily time (UTC).
BACKUP_DIR = env.path("BACKUP_DIR", default=str(VAR_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)
BACKUP_TIME = env.str("BACKUP_TIME", default="02:30")
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Every uploaded file (API and admin): size cap and accepted types (see
# common/upload_limits.py).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
# Empty: the readable table formats (common.upload_limits.DEFAULT_EXTENSIONS).
UPLOAD_ALLOWED_EXTENSIONS = env.list("UPLOAD_ALLOWED_EXTENSIONS", default=[])
# Longer URLs (path + query string) are answered 414 (common/request_limits.py); keep it below
# the proxy's header buffer so the answer comes from here, not from a dropped connection.
REQUEST_MAX_URL_BYTES = env.int("REQUEST_MAX_URL_BYTES", default=8192)
FILE_UPLOAD_HANDLERS = [
    "common.upload_limits.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "common.api_schema.ProjectAutoSchema",
    # Token first: its `WWW-Authenticate: Token` makes an anonymous write a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "common.token_auth.ProjectTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # One counter per client per window, failing open when Redis is down (see the module).
    "DEFAULT_THROTTLE_CLASSES": ["common.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="600/minute"),
        "user": env.str("API_THROTTLE_USER", default="3000/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="5/minute"),
    },
    "EXCEPTION_HANDLER": "common.api_errors.exception_handler",
    # JSON bodies with a nesting bound (a deep body is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "common.json_body.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # JSON only: the browsable API would answer `Accept: text/html` clients (errors included)
    # with HTML pages instead of the one error shape the schema documents.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # How many proxies in front append to X-Forwarded-For (nginx: 1). 0 trusts only the
    # socket's address, so a client cannot pick its own rate-limit or lockout bucket.
    "NUM_PROXIES": env.int("TRUSTED_PROXIES", default=0),
    # `format=csv|tsv|json` on the gene list selects an export, not a DRF renderer.
    "URL_FORMAT_OVERRIDE": None,
}

# API tokens (django-rest-knox, common/token_auth.py): stored hashed, shown once, expiring.
# Password change, deactivation and role removal end them all (curation/signals.py).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("API_TOKEN_TTL_HOURS", default=24.0 * 30)),
    "AUTH_HEADER_PREFIX": "Token",
    # Lets secret scanners recognise a leaked token.
    "TOKEN_PREFIX": "kgdb_",
}
API_TOKEN_LIMIT_PER_USER = env.int("API_TOKEN_LIMIT_PER_USER", default=10)

SPECTACULAR_SETTINGS = {
    "TITLE": "Kidney Genetics Database API",
    "DESCRIPTION": (
        "Evidence that human genes cause kidney disease: genes, evidence, scores. Lists are "
        "JSON:API-style (`data`, `meta`, `links`) with `filter[...]`, `sort` and `page[...]`; "
        'every error is `{"errors": [{"status", "code", "title", "detail", '
        '"source": {"parameter"}}]}`. Anonymous and authenticated requests are rate-limited '
        "(429 with Retry-After)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the installed drf-spectacular-sidecar package (see genes/api/urls.py).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    # Secure by default, each switchable for a set-up that needs it (README, "HTTPS settings").
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Probes on the host talk plain HTTP to the ASGI servers, past the proxy.
    SECURE_REDIRECT_EXEMPT = [r"^api/ping/$", r"^api/health/$"]

# Browser features no page uses, refused for every page (django-permissions-policy).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

# CSP per path (common/middleware.py); report-only to trial a stricter policy.
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)

# Structured logs with a request id on every line, secrets scrubbed (common/logging.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
ACCESS_LOG = env.bool("ACCESS_LOG", default=True)
LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="INFO"))

# /metrics: staff, or `Authorization: Bearer <METRICS_TOKEN>` for a Prometheus scraper.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# Where the project's demo snapshot lives; `make run` loads it into an empty database.
DEMO_SNAPSHOT_DIR = BASE_DIR / "demo"

# Per-concern configuration for sources and scoring lives in genes/config.py and
# pipeline/sources/config.py; these dictionaries override individual keys from settings.
SCORING_OVERRIDES: dict = env.json("SCORING_OVERRIDES", default={})
SOURCE_OVERRIDES: dict = env.json("SOURCE_OVERRIDES", default={})
# A replace-mode upload that would drop more than this percentage of a provider's (or
# publication's) active rows is held until a curator confirms it (pipeline/shrink.py); the
# download sources' own shrink guard is "shrink_guard" in pipeline/sources/config.py.
UPLOAD_REPLACE_MAX_DROP_PERCENT = env.float("UPLOAD_REPLACE_MAX_DROP_PERCENT", default=50.0)

# /api/health/ (core/health.py): how long the database check waits for a connection; whether
# the task queue needs a worker heartbeat (pipeline.tasks.worker_heartbeat, every minute) no
# older than HEALTH_WORKER_STALE_SECONDS to count as ok. A web-only node whose readiness must
# not depend on the workers sets HEALTH_REQUIRE_WORKER=false.
HEALTH_DATABASE_TIMEOUT_SECONDS = env.float("HEALTH_DATABASE_TIMEOUT_SECONDS", default=2.0)
HEALTH_REQUIRE_WORKER = env.bool("HEALTH_REQUIRE_WORKER", default=True)
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=180)

# Public reads are cached for this long, keyed by the full request and the data version
# (common/caching.py); 0 turns the read cache off.
READ_CACHE_SECONDS = env.int("READ_CACHE_SECONDS", default=300)
# With PostgreSQL and Redis, stored reads are answered in front of Django
# (common/edge_cache.py); false leaves them to the view-level cache.
EDGE_CACHE = env.bool("EDGE_CACHE", default=True)

# Annotation configuration (annotations/config.py) overrides, e.g. a mirror URL.
ANNOTATION_OVERRIDES: dict = env.json("ANNOTATION_OVERRIDES", default={})
# The citation printed on a release; `{version}` and `{date}` are filled in.
RELEASE_CITATION = env.str(
    "RELEASE_CITATION",
    default=(
        "Kidney Genetics Database, release {version} ({date}). "
        "Curated evidence that human genes cause kidney disease."
    ),
)

# Source runs (pipeline/tasks.py): a running run's worker writes a heartbeat this often; a
# running run with an older heartbeat has lost its worker.
PIPELINE_HEARTBEAT_SECONDS = env.int("PIPELINE_HEARTBEAT_SECONDS", default=30)
PIPELINE_STALE_RUNNING_SECONDS = env.int("PIPELINE_STALE_RUNNING_SECONDS", default=300)
# A pending run is given up after waiting this long while the workers were idle...
PIPELINE_PENDING_TIMEOUT_SECONDS = env.int("PIPELINE_PENDING_TIMEOUT_SECONDS", default=300)
# ...and in any case after this long, even behind other long runs.
PIPELINE_STALE_PENDING_SECONDS = env.int("PIPELINE_STALE_PENDING_SECONDS", default=6 * 3600)
# What a queued run calls, as a dotted path (tests substitute a fake source).
PIPELINE_RUN_EXECUTOR = "pipeline.services.source_run_execute"
# Periodic refreshes, source key → "daily", "weekly" or "monthly", replacing the periods the
# source classes declare (pipeline/sources/registry.py); unset keeps those.
PIPELINE_REFRESH: dict | None = env.json("PIPELINE_REFRESH", default=None)
# Live progress: at most one directly published event per run this often (seconds); the
# relay's poll interval (unset: 0.1 s on the in-memory channel layer, 1 s with Redis).
PIPELINE_EVENT_MIN_INTERVAL = env.float("PIPELINE_EVENT_MIN_INTERVAL", default=0.2)
PIPELINE_RELAY_INTERVAL = env.float("PIPELINE_RELAY_INTERVAL", default=None)
