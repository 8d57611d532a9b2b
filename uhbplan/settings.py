"""uhbplan settings: one module, driven by environment variables (see .env.example).

Safe by default: DEBUG is off, a secret key is required outside development, cookies are
secure and hosts must be listed.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def read_env_file(path: str) -> None:
    """Local development only: load KEY=VALUE lines of the git-ignored .env that `make run`
    writes (tools/dev_env.py), so every local command sees the settings `make run` used. Real
    environment variables win. Production sets them and has no such file; an empty
    UHBPLAN_ENV_FILE turns this off (the test suite does)."""
    file = Path(path) if path else None
    if file is None or not file.is_file():
        return
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip())


read_env_file(os.environ.get("UHBPLAN_ENV_FILE", str(BASE_DIR / ".env")))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. See .env.example for how to make one."
        )
    # Development only: never used when DEBUG is off.
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "crispy_forms",
    "django_filters",
    "django_htmx",
    "simple_history",
    "mozilla_django_oidc",
    "rest_framework",
    "drf_spectacular",
    "nhsuk",
    "common",
    "objectives",
    "deliverables",
    "assurance",
    "reporting",
    "planning",
    "accounts",
    "api",
    "demo",
    "core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.SingleSignOnFormAction",  # after CSP: it amends the policy CSP writes
    "core.middleware.AdminStylesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # An in-page save after signing out gets 401, not a login page swapped into the row.
    "core.middleware.HtmxSignedOutMiddleware",
    # Every page needs a signed-in user unless its view says otherwise (login, health checks).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.AuditLogMiddleware",
    "core.middleware.NoStoreMiddleware",
    # Last: it must see the outcome of authentication to count failures.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Locks an account out after repeated failed logins (django-axes), then Django's own.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect); authenticates no one while OIDC_ISSUER is empty.
    "accounts.oidc.Backend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
# Locked out: a username from one address, never a username everywhere, so nobody can lock
# a named person out from elsewhere. A spray across usernames from one address is refused
# after LOGIN_ADDRESS_FAILURE_LIMIT failures (accounts/forms.py), high enough for a hospital's
# shared address. Behind proxies, TRUSTED_PROXY_COUNT makes the address the client's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "common.http.client_ip"
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

ROOT_URLCONF = "uhbplan.urls"

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
                "core.context_processors.navigation",
                "core.context_processors.session_timeout",
            ],
        },
    },
]

WSGI_APPLICATION = "uhbplan.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# Two caches (ADR 15). "default" is shared by every app server, in the database (a table made
# by a migration, so no other service is needed): the read API's rate limits count there, so
# two servers do not allow twice the rate. "pages" is each server's own memory, for pages kept
# under the data revision (common.revision), which every server reads from the database.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "uhbplan_cache",
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "uhbplan-pages",
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
    # Rendered parts of pages, keyed by everything they show ({% cache %} with the values as
    # its keys): never stale, so never emptied; after a save only the parts it changed are
    # rendered again (issue 32). Per app server, like "pages".
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "uhbplan-fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default takes concurrent saves as PostgreSQL does: a writer takes the lock
    # when its transaction begins (so two saves queue instead of failing "database is
    # locked" half-way), waits up to SQLITE_BUSY_SECONDS for it, and readers never block
    # writers (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_BUSY_SECONDS", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's planner prices a random read at four sequential ones, as for a spinning disk
    # (its default); for SSDs, or a database that fits in memory, its documentation suggests
    # 1.1. At 4 it read all ten years' deliverables to find one plan's (ADR 23). Empty leaves
    # the server's own setting.
    _page_cost = os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip()
    if _page_cost:
        try:
            _valid = 0 < float(_page_cost) < float("inf")
        except ValueError:
            _valid = False
        if not _valid:
            raise ImproperlyConfigured(
                f"DATABASE_RANDOM_PAGE_COST must be a positive number such as 1.1, not "
                f"{_page_cost!r}."
            )
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        # After any options the URL gives (?options=...), which this does not replace.
        _given = _options.get("options")
        _options["options"] = " ".join(filter(None, [_given, f"-c random_page_cost={_page_cost}"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The trust whose plan this is: the board paper's cover names it (issue 28).
TRUST_NAME = os.environ.get(
    "TRUST_NAME", "University Hospitals Birmingham NHS Foundation Trust"
).strip()

# The board record (issue 31, ADR 21): a closed quarter's report PDF is signed (PAdES) with the
# trust's key and certificate. PEM files by path, or the key itself in a secret variable; with a
# passphrase where the key has one. Left unset, the PDFs are made unsigned and the pages say so.
BOARD_RECORD_SIGNING_KEY = os.environ.get("BOARD_RECORD_SIGNING_KEY", "").strip()
BOARD_RECORD_SIGNING_KEY_PEM = os.environ.get("BOARD_RECORD_SIGNING_KEY_PEM", "")
BOARD_RECORD_SIGNING_KEY_PASSPHRASE = os.environ.get("BOARD_RECORD_SIGNING_KEY_PASSPHRASE", "")
BOARD_RECORD_SIGNING_CERT = os.environ.get("BOARD_RECORD_SIGNING_CERT", "").strip()
# Intermediate certificates between the signing certificate and the trust's root (PEM, by path).
BOARD_RECORD_CERT_CHAIN = env_list("BOARD_RECORD_CERT_CHAIN")
# An RFC 3161 timestamp authority: each signature gets a trusted timestamp from it.
BOARD_RECORD_TSA_URL = os.environ.get("BOARD_RECORD_TSA_URL", "").strip()

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# nhsuk-frontend and htmx come from npm (`make assets`), pinned by package-lock.json, and are
# served from node_modules through staticfiles; nothing compiled is committed.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A file missing from the manifest is served unhashed rather than failing the page.
WHITENOISE_MANIFEST_STRICT = False

CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_TEMPLATE_PACK = "nhsuk"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Secure by default; development over plain HTTP relaxes the cookie flags and HTTPS redirects.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
# Sessions end after 30 minutes without activity (each request renews the window).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
# How long before the idle timeout a signed-in page warns and offers "Stay signed in" (the
# NHS.UK/GOV.UK timeout-warning pattern).
SESSION_WARNING_SECONDS = int(os.environ.get("SESSION_WARNING_SECONDS", "120"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a proxy that terminates TLS and redirects itself: SECURE_SSL_REDIRECT=0 and
# SECURE_PROXY_SSL_HEADER=1 (it must then set X-Forwarded-Proto).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
# The health checks answer over plain HTTP to the load balancer on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content Security Policy: only our own scripts, styles and images; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # The NHS.UK frontend's stylesheet loads the Frutiger font from NHS's own CDN.
        "font-src": ["'self'", "https://assets.nhs.uk"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # One JSON object a line: who, what, when, outcome (see docs/security.md).
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "audit": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "uhbplan": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "uhbplan.audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

SERVICE_NAME = "Strategy Implementation Plan"
# Where the service is reached, for links in e-mails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Where people report an accessibility problem (the accessibility statement); blank: the page
# asks them to tell the plan administrators.
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")

# E-mail: printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 30
# With the file-based backend (tests of a whole deployment, such as `make scaleout-test`).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Strategy plan <noreply@localhost>")

# Reminders: executives are e-mailed this many days before the deadline (comma-separated for
# several) and on the deadline itself.
REMINDER_DAYS_BEFORE = [
    int(day) for day in os.environ.get("REMINDER_DAYS_BEFORE", "7").split(",") if day.strip()
]


# The read API (/api/v1/): personal Bearer tokens (or the site's session, for a person trying it
# in the browser), read-only, paginated, rate-limited per person (and per address when signed
# out). Rates count in the shared cache, across every app server: see docs/adr/0013 and 0015.
API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600/minute")
API_ANON_RATE_LIMIT = os.environ.get("API_ANON_RATE_LIMIT", "30/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.CanRead"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Counted atomically in the database, shared by every app server; requests without a valid
    # token are limited by address before they are refused (api/throttling.py, issue 29).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.PersonThrottle",
        "api.throttling.AddressThrottle",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "uhbplan read API",
    "DESCRIPTION": (
        "The Strategy Implementation Plan's data for reporting tools: plans, themes, objectives, "
        "deliverables, status updates, assurance reviews, measures and their values. Send a "
        "personal token as `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.auth.CanRead"],  # signed in (a token), like the API
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
}


# Single sign-on by OpenID Connect (accounts/oidc.py, docs/adr/0014): the issuer (its discovery
# document gives the endpoints), and this service's client id and secret at the provider.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_AUDIENCE = os.environ.get("OIDC_AUDIENCE", "")  # the ID token's audience, if not the id
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
# Which provider this is (accounts/sso.py): "generic", "entra" or "cis2". It sets the scopes,
# where the stable subject is (Entra: tid+oid; CIS2: uid), which claims can match a person at
# a first sign-in (Entra: preferred_username and upn too) and, for CIS2, the acr asked for.
OIDC_PROFILE = os.environ.get("OIDC_PROFILE", "generic").strip().lower()
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "")  # empty: the profile's
OIDC_ACR_VALUES = os.environ.get("OIDC_ACR_VALUES", "")  # empty: the profile's (CIS2: AAL3_ANY)
# The assurance levels accepted in the ID token's `acr` (comma-separated); empty: any.
OIDC_REQUIRED_ACR = os.environ.get("OIDC_REQUIRED_ACR", "")
# How uhbplan proves itself at the token endpoint: client_secret_post, client_secret_basic, or
# private_key_jwt (CIS2) with the key below (PEM text, or a file), its key id and algorithm.
OIDC_CLIENT_AUTH = os.environ.get("OIDC_CLIENT_AUTH", "client_secret_post").strip()
OIDC_PRIVATE_KEY = os.environ.get("OIDC_PRIVATE_KEY", "")
OIDC_PRIVATE_KEY_FILE = os.environ.get("OIDC_PRIVATE_KEY_FILE", "")
OIDC_PRIVATE_KEY_ID = os.environ.get("OIDC_PRIVATE_KEY_ID", "")
OIDC_PRIVATE_KEY_ALG = os.environ.get("OIDC_PRIVATE_KEY_ALG", "RS512")
# Roles from the provider's groups or roles: the claim that lists them, and which give what
# ("Board members=viewer,Plan office=admin,DHG secretaries=group:DHG"). Given, never removed.
OIDC_ROLE_CLAIM = os.environ.get("OIDC_ROLE_CLAIM", "")
OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # for signing out at the provider too
OIDC_LEEWAY_SECONDS = int(os.environ.get("OIDC_LEEWAY_SECONDS", "60"))
OIDC_TIMEOUT = 10
# How long a personal API token works (accounts.models.ApiToken); its holder is reminded first.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "365"))
# How long to wait for the provider's discovery document (accounts/oidc.py): short, since the
# sign-in page asks for it.
OIDC_DISCOVERY_TIMEOUT = float(os.environ.get("OIDC_DISCOVERY_TIMEOUT", "3"))
# Someone the provider vouches for but uhbplan does not know: created with no role (they see
# "ask a plan administrator"), unless this is off (then refused until a person is added).
OIDC_CREATE_USER = os.environ.get("OIDC_CREATE_USER", "1") == "1"
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sign-in-failed/"
# Local passwords: "all" (the default, and the demo), or "break-glass": only superusers and the
# usernames in BREAK_GLASS_USERNAMES may use one; everyone else signs in with single sign-on.
LOCAL_SIGN_IN = os.environ.get("LOCAL_SIGN_IN", "all")
BREAK_GLASS_USERNAMES = [
    name.strip() for name in os.environ.get("BREAK_GLASS_USERNAMES", "").split(",") if name.strip()
]
