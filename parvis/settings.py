"""Parvis settings, read from the environment (12-factor).

The same code runs a laptop demo (SQLite in ``var/``) and a metropolis (PostgreSQL, Redis):
only environment variables change. See ``docs/configuration.md``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("PARVIS_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_URL = os.environ.get("PARVIS_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# HTTPS deployments get the full set of transport protections; a plain-HTTP base URL means a
# laptop demo or a test run, where Secure cookies would make the back office unusable.
HTTPS = BASE_URL.startswith("https://")
DEBUG = env_bool("PARVIS_DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("PARVIS_SECRET_KEY", "")
    if key:
        return key
    if HTTPS:
        raise ImproperlyConfigured("PARVIS_SECRET_KEY must be set in production (HTTPS).")
    # Demo and development only: a key generated once and kept in var/.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

_host = BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
# ".localhost": the communes' sites of a local install (PARVIS_COMMUNE_HOSTNAME below).
ALLOWED_HOSTS = env_list("PARVIS_ALLOWED_HOSTS") or [
    _host,
    "localhost",
    ".localhost",
    "127.0.0.1",
    "[::1]",
]
CSRF_TRUSTED_ORIGINS = [BASE_URL]

INSTALLED_APPS = [
    "parvis.core",
    "parvis.content",
    "parvis.answers",
    "parvis.certification",
    "parvis.conversation",
    "parvis.reports",
    "parvis.listening",
    "parvis.screens",
    "parvis.staff",
    "parvis.networks",
    "parvis.federation",
    "parvis.mydata",
    "parvis.audience",
    "parvis.discovery",
    "parvis",  # the assembled portal: commands that span every app (demo)
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "ninja",
    "django_tasks_db",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "parvis.core.middleware.RequestIdMiddleware",
    "parvis.core.middleware.DatabaseBusyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed from it), above everything that writes
    # the body: pages, the page cache's hits included, leave compressed. Django's GZip adds
    # random bytes to each response against BREACH, and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Wagtail's site of the request, found once per publication (parvis.core.published).
    "parvis.core.middleware.PublishedSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Links of a page served under /en/ stay under /en/ (parvis.core.interface).
    "parvis.core.interface.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the body: a door refuses it on its headers first.
    "parvis.core.writes.PublicWriteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "parvis.staff.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a django-axes lockout into the back office's lockout page (429).
    "axes.middleware.AxesMiddleware",
    # Above the page cache, so that a page served from the cache is counted too.
    "parvis.audience.middleware.AudienceMiddleware",
    # Last, so that a cached page still goes through every middleware above (request ID, access
    # log, security headers) exactly as a freshly rendered one.
    "parvis.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "parvis.urls"
WSGI_APPLICATION = "parvis.wsgi.application"

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
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "parvis.core.context_processors.portal",
                "parvis.staff.context_processors.sso",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'parvis.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL for concurrent readers; synchronous=FULL so an acknowledged write survives power loss;
    # IMMEDIATE transactions so concurrent writers queue on the busy timeout instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for another's lock before "database is locked" (then a 503).
        "timeout": float(os.environ.get("PARVIS_SQLITE_TIMEOUT", "5")),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks (parvis worker) ---------------------------------------------------------

# Parvis's own jobs (outbox, purges, scheduled publishing, log checks…) go to the "background"
# backend: a queue in the same database, so a job enqueued with a change commits or rolls back
# with it and never lives only in Redis. `parvis worker` runs them. Wagtail's own housekeeping
# tasks (reference index) stay on the default, immediate backend, as Wagtail ships them.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# Seconds the worker waits between two looks at the queue when it is empty.
PARVIS_WORKER_INTERVAL = float(os.environ.get("PARVIS_WORKER_INTERVAL", "1"))
# Outbox: attempts before a message is dead-lettered, and the first retry delay in seconds
# (doubled at each failure, with jitter, capped at six hours).
PARVIS_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("PARVIS_OUTBOX_MAX_ATTEMPTS", "8"))
PARVIS_OUTBOX_RETRY_SECONDS = int(os.environ.get("PARVIS_OUTBOX_RETRY_SECONDS", "60"))
# Seconds a worker owns a claimed message; past it, another worker may take it over.
PARVIS_OUTBOX_LEASE_SECONDS = int(os.environ.get("PARVIS_OUTBOX_LEASE_SECONDS", "300"))
# Fetching URLs chosen by others (groups' feeds): loopback is refused unless this is set, which
# only tests and benchmarks do (they serve feeds on 127.0.0.1). See parvis/core/safehttp.py.
PARVIS_FETCH_ALLOW_LOOPBACK = env_bool("PARVIS_FETCH_ALLOW_LOOPBACK", False)

# --- networks (groups' public feeds) ----------------------------------------------------------

# Minutes between two readings of a feed; feeds read at once; per-feed caps.
PARVIS_NETWORKS_FEED_EVERY_MINUTES = int(os.environ.get("PARVIS_NETWORKS_FEED_EVERY_MINUTES", "60"))
PARVIS_NETWORKS_FEED_WORKERS = int(os.environ.get("PARVIS_NETWORKS_FEED_WORKERS", "8"))
PARVIS_NETWORKS_FEED_MAX_BYTES = int(
    os.environ.get("PARVIS_NETWORKS_FEED_MAX_BYTES", str(2 * 1024 * 1024))
)
PARVIS_NETWORKS_FEED_TIMEOUT = float(os.environ.get("PARVIS_NETWORKS_FEED_TIMEOUT", "10"))
PARVIS_NETWORKS_FEED_DEADLINE = float(os.environ.get("PARVIS_NETWORKS_FEED_DEADLINE", "30"))
# Days of a group's contact update link.
PARVIS_NETWORKS_EDIT_LINK_DAYS = int(os.environ.get("PARVIS_NETWORKS_EDIT_LINK_DAYS", "7"))

# --- Cache (Redis when configured) ------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "parvis",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous page responses (parvis.core.pagecache). Its own alias, so invalidating pages never
# touches rate-limit counters. With Redis it is shared by every process; without, it is a folder
# of files shared by the workers of this machine (so a publication reaches all of them at once,
# which a per-process memory cache could not promise).
PARVIS_PAGE_CACHE = env_bool("PARVIS_PAGE_CACHE", True)
# Seconds a cached page lives at most; pages showing an opening status live at most
# PARVIS_PAGE_CACHE_LIVE_TTL, and never past the moment that status changes.
PARVIS_PAGE_CACHE_TTL = int(os.environ.get("PARVIS_PAGE_CACHE_TTL", "300"))
PARVIS_PAGE_CACHE_LIVE_TTL = int(os.environ.get("PARVIS_PAGE_CACHE_LIVE_TTL", "60"))
# Cookies a person sets on purpose that change what pages show to them (the discovery choices):
# a request carrying one is neither served from nor stored in the page cache.
PARVIS_PAGE_CACHE_SKIP_COOKIES = [
    name
    for name in os.environ.get("PARVIS_PAGE_CACHE_SKIP_COOKIES", "parvis_decouverte").split(",")
    if name.strip()
]
# A front cache (deploy/nginx) keeping the same anonymous pages in front of Python: the address
# of its purge listener (e.g. http://127.0.0.1:8081), and the most seconds it keeps a page that
# a change it is not told about (a snippet shown on many pages) may leave stale.
PARVIS_FRONT_CACHE_URL = os.environ.get("PARVIS_FRONT_CACHE_URL", "")
PARVIS_FRONT_CACHE_TTL = int(os.environ.get("PARVIS_FRONT_CACHE_TTL", "30"))
if PARVIS_FRONT_CACHE_URL:
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": PARVIS_FRONT_CACHE_URL,
        }
    }
    WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []  # core.pagecache adds the /en/ addresses
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "parvis-pages",
        "TIMEOUT": PARVIS_PAGE_CACHE_TTL,
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "TIMEOUT": PARVIS_PAGE_CACHE_TTL,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }

# --- Auth, sessions, security -----------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "parvis.staff.oidc.StaffOIDCBackend",  # answers only when PARVIS_OIDC_ENABLED
]
# Lockout after PARVIS_LOGIN_FAILURE_LIMIT failed logins of one username from one address, for
# PARVIS_LOGIN_COOLOFF_MINUTES; the address is parvis.core.ratelimit.client_ip's (trusted
# proxies only), so a forged X-Forwarded-For neither escapes nor resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("PARVIS_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PARVIS_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "parvis.staff.lockout.login_client_ip"
AXES_LOCKOUT_CALLABLE = "parvis.staff.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (AccessAttempt); no log of every login
AXES_ENABLE_ADMIN = False  # Django's admin site is not served; use `parvis axes_reset…`
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # SQLite and PostgreSQL alike
# Second factor (django-otp: TOTP apps and single-use backup codes). Required for every back-
# office session in production; the demo and the tests offer it without requiring it.
PARVIS_REQUIRE_2FA = env_bool("PARVIS_REQUIRE_2FA", HTTPS)
OTP_TOTP_ISSUER = os.environ.get("PARVIS_OTP_ISSUER", "") or f"Parvis {_host}"
# Agents' single sign-on through OpenID Connect (ProConnect): off unless issuer and client are
# set. Endpoints default to ProConnect's paths under the issuer; agents are matched by e-mail
# to existing back-office accounts, never created.
PARVIS_OIDC_ISSUER = os.environ.get("PARVIS_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("PARVIS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("PARVIS_OIDC_CLIENT_SECRET", "")
PARVIS_OIDC_ENABLED = bool(PARVIS_OIDC_ISSUER and OIDC_RP_CLIENT_ID)
OIDC_RP_SIGN_ALGO = os.environ.get("PARVIS_OIDC_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PARVIS_OIDC_ISSUER}/authorize"
OIDC_OP_TOKEN_ENDPOINT = f"{PARVIS_OIDC_ISSUER}/token"
OIDC_OP_USER_ENDPOINT = f"{PARVIS_OIDC_ISSUER}/userinfo"
OIDC_OP_JWKS_ENDPOINT = f"{PARVIS_OIDC_ISSUER}/jwks"
OIDC_OP_LOGOUT_ENDPOINT = f"{PARVIS_OIDC_ISSUER}/session/end"
OIDC_RP_SCOPES = os.environ.get("PARVIS_OIDC_SCOPES", "openid email given_name usual_name uid")
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": os.environ.get("PARVIS_OIDC_ACR_VALUES", "eidas1")}
# acr values accepted in the ID token, and those that count as a second factor.
PARVIS_OIDC_ACR_ALLOWED = env_list("PARVIS_OIDC_ACR_ALLOWED", "eidas1,eidas2,eidas3")
PARVIS_OIDC_MFA_ACR = env_list("PARVIS_OIDC_MFA_ACR", "eidas2,eidas3")
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "staff_oidc_callback"
LOGIN_REDIRECT_URL = "/admin/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("PARVIS_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("PARVIS_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a one-way commitment the city makes itself (PARVIS_HSTS_PRELOAD=true).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix pins cookies to this exact origin over HTTPS (no Domain, Path=/).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": [],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# The Wagtail back office still needs inline styles; it gets a relaxed policy of its own
# (see parvis.core.middleware.AdminAwareCSPMiddleware) instead of none at all.
PARVIS_ADMIN_CSP_EXTRA = {"style-src": ["'unsafe-inline'"], "script-src": ["'unsafe-inline'"]}
MIDDLEWARE[MIDDLEWARE.index("csp.middleware.CSPMiddleware")] = (
    "parvis.core.middleware.AdminAwareCSPMiddleware"
)

PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "interest-cohort": [],
    "geolocation": ["self"],
}

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("PARVIS_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("PARVIS_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `parvis collectstatic` (a production release step;
        # `parvis demo` runs it when it serves); the tests serve the files from the apps.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("PARVIS_STATIC_MANIFEST", HTTPS)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Files only the portal may hand out, through its own views (report photos): never under
# MEDIA_URL, so a hidden report's photos stop being reachable the moment it is hidden.
PARVIS_PRIVATE_ROOT = Path(os.environ.get("PARVIS_PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PARVIS_PRIVATE_ROOT), "base_url": "/-/private/"},
}

# Object storage (S3-compatible: Scaleway, OVHcloud, Outscale, MinIO, Garage, AWS…) for media and
# private files when a bucket is configured; the filesystem otherwise. Static files stay on
# WhiteNoise. One bucket, two prefixes: `media/` (images, renditions, documents) and `private/`
# (report photos), which always gets short-lived signed URLs and is never behind the CDN domain.
PARVIS_S3_BUCKET = os.environ.get("PARVIS_S3_BUCKET", "")
if PARVIS_S3_BUCKET:
    from parvis.core.s3 import s3_credentials, s3_storages

    _s3_storages, PARVIS_MEDIA_ORIGINS = s3_storages(os.environ)
    STORAGES.update(_s3_storages)
    _s3_keys = s3_credentials(os.environ)
    AWS_S3_ACCESS_KEY_ID = _s3_keys["AWS_S3_ACCESS_KEY_ID"]
    AWS_S3_SECRET_ACCESS_KEY = _s3_keys["AWS_S3_SECRET_ACCESS_KEY"]
else:
    PARVIS_MEDIA_ORIGINS = []
# Pages load images from the bucket's origin: the one other origin `img-src` allows.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"] += PARVIS_MEDIA_ORIGINS
# Documents go through Wagtail's view (privacy of collections is checked on every download) and
# are streamed from the storage, whatever it is.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
if not HTTPS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
# Tests and the demo run without collectstatic having been called by hand.
WHITENOISE_USE_FINDERS = env_bool("PARVIS_STATIC_FINDERS", not HTTPS)
WHITENOISE_MANIFEST_STRICT = False

# --- Wagtail ----------------------------------------------------------------------------------

PARVIS_CITY_NAME = os.environ.get("PARVIS_CITY_NAME", "Nantes")
# The RGAA conformity the footer states ("non", "partielle", "totale"): only an audit can raise
# it above "non", so it is the city's to set once its audit is published.
PARVIS_ACCESSIBILITY_CONFORMITY = os.environ.get("PARVIS_ACCESSIBILITY_CONFORMITY", "non")
WAGTAIL_SITE_NAME = f"Ville de {PARVIS_CITY_NAME}"
# The host name of a commune's site when an administrator creates it without naming one
# ("{slug}" is the commune's identifier): browsers send *.localhost to this machine.
PARVIS_COMMUNE_HOSTNAME = os.environ.get("PARVIS_COMMUNE_HOSTNAME", "{slug}.localhost")

# --- Addresses (addok, the national address base's own engine, on Redis) ----------------------
# addok keeps its index in one Redis database and its documents in the next one: give it
# databases nobody else uses. Without Redis the address fields stay free text.
PARVIS_ADDOK_REDIS_HOST = os.environ.get("PARVIS_ADDOK_REDIS_HOST", "127.0.0.1")
PARVIS_ADDOK_REDIS_PORT = int(os.environ.get("PARVIS_ADDOK_REDIS_PORT", "6379"))
PARVIS_ADDOK_REDIS_DB = int(os.environ.get("PARVIS_ADDOK_REDIS_DB", "6"))
PARVIS_ADDOK_ENABLED = env_bool("PARVIS_ADDOK_ENABLED", True)
# Where the city publishes its version of Parvis (optional): /code-source/ links to it beside the
# archive of the running code, which it always offers (AGPL section 13).
PARVIS_SOURCE_URL = os.environ.get("PARVIS_SOURCE_URL", "")
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "pdf", "odt", "ods", "txt", "json"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No Gravatar: the admin would send a hash of each agent's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Email ------------------------------------------------------------------------------------

# An address a resident types gets nothing but a confirmation email until its owner follows the
# signed link, valid this many days; at most this many confirmation emails per address a day.
PARVIS_ADDRESS_CONFIRM_DAYS = int(os.environ.get("PARVIS_ADDRESS_CONFIRM_DAYS", "7"))
PARVIS_CONFIRMATION_EMAILS_PER_DAY = int(os.environ.get("PARVIS_CONFIRMATION_EMAILS_PER_DAY", "3"))

EMAIL_BACKEND = os.environ.get(
    "PARVIS_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if not HTTPS
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("PARVIS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("PARVIS_EMAIL_PORT", "25"))
# Seconds before a silent SMTP server is given up on (the message is retried later).
EMAIL_TIMEOUT = int(os.environ.get("PARVIS_EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get(
    "PARVIS_FROM_EMAIL", f"Ville de {PARVIS_CITY_NAME} <ne-pas-repondre@{_host}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Published in /.well-known/security.txt (RFC 9116): a mailto: or https: URI.
PARVIS_SECURITY_CONTACT = os.environ.get("PARVIS_SECURITY_CONTACT", f"mailto:securite@{_host}")

# --- Logging: JSON lines, one per request, never personal data --------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "parvis.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "parvis.core.logging.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%SZ",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PARVIS_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger repeats the full URL (with query strings that may carry
        # personal data); our own access log records the path only.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # Wagtail's reference-index tasks log twice per page save: noise, not events.
        "django_tasks": {"level": "WARNING"},
        # django-axes narrates every login at INFO; its failures and lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

# --- certification ---------------------------------------------------------------------------

# The private signing key lives outside the database: this file (base64 seed, mode 0600) or the
# PARVIS_SIGNING_KEY environment variable. Outside HTTPS the file is created on first use.
PARVIS_SIGNING_KEY_FILE = os.environ.get(
    "PARVIS_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "signing.key")
)
# The log's high-water mark (size and root of the last checkpoint), beside the key, outside the
# database and its backups: a database restored behind it refuses to start (certification.E002).
PARVIS_LOG_WATERMARK_FILE = os.environ.get(
    "PARVIS_LOG_WATERMARK_FILE", str(Path(PARVIS_SIGNING_KEY_FILE).with_name("log-watermark.json"))
)
PARVIS_LOG_ORIGIN = os.environ.get("PARVIS_LOG_ORIGIN", "")
# Origins (scheme://host[:port]) whose pages the city certifies: `parvis verify` and /verifier/
# refuse any other; the first one serves the pinned keys (/.well-known/parvis/keys.json).
PARVIS_CERTIFIED_ORIGINS = env_list("PARVIS_CERTIFIED_ORIGINS") or [
    "/".join(BASE_URL.split("/", 3)[:3]).lower()
]
PARVIS_VERIFY_MAX_UPLOAD = int(os.environ.get("PARVIS_VERIFY_MAX_UPLOAD", str(50 * 1024 * 1024)))

# --- reports ----------------------------------------------------------------------------------
# Map tiles come only from a server the city configures (e.g. its own tile server or the IGN
# Géoplateforme WMTS); without one, residents place a report with an address field.
PARVIS_MAP_TILES_URL = os.environ.get("PARVIS_MAP_TILES_URL", "")
PARVIS_MAP_ATTRIBUTION = os.environ.get("PARVIS_MAP_ATTRIBUTION", "")
if PARVIS_MAP_TILES_URL.startswith(("https://", "http://")):
    # The one third-party host pages may load from: the city's own choice of tile server.
    _tiles_origin = "/".join(PARVIS_MAP_TILES_URL.split("/", 3)[:3])
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_tiles_origin)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
PARVIS_TRUSTED_PROXIES = env_list("PARVIS_TRUSTED_PROXIES")
PARVIS_IDEMPOTENCY_LEASE_SECONDS = int(os.environ.get("PARVIS_IDEMPOTENCY_LEASE_SECONDS", "30"))
PARVIS_REPORTS_PHOTO_MAX_BYTES = int(os.environ.get("PARVIS_REPORTS_PHOTO_MAX_BYTES", "10485760"))
# Report photos wait for an agent's approval before anyone else sees them (pages, Open311,
# API); off: they are public with the report at once. The report form says which.
PARVIS_REPORTS_PHOTO_MODERATION = env_bool("PARVIS_REPORTS_PHOTO_MODERATION", False)
# Pixels an uploaded image may have, checked on its header before any decoding (a 6 KB PNG can
# declare 7000×7000 pixels). Also Pillow's MAX_IMAGE_PIXELS and Wagtail's image upload cap.
PARVIS_UPLOAD_MAX_PIXELS = int(os.environ.get("PARVIS_UPLOAD_MAX_PIXELS", "40000000"))
WAGTAILIMAGES_MAX_IMAGE_PIXELS = PARVIS_UPLOAD_MAX_PIXELS
PARVIS_OPEN311_JURISDICTION = os.environ.get("PARVIS_OPEN311_JURISDICTION", _host)
# The public-write policy (parvis.core.writes), per door. Limits: [(hits, window in seconds)]
# per client address, and per API key under "<door>.key"; each door has a short window and a
# daily cap. See docs/configuration.md.
PARVIS_RATELIMITS = {
    "reports.create": [(10, 600), (50, 86400)],  # the web form
    "mydata.request": [(5, 3600), (20, 86400)],  # "Mes données": a link or code asked for
    "mydata.request.address": [(3, 3600), (10, 86400)],  # per address asked for (hashed)
    "mydata.verify": [(10, 1800), (40, 86400)],  # "Mes données": a code typed
    "mydata.act": [(10, 3600), (30, 86400)],  # "Mes données": export, erasure
    "api.create": [(10, 600), (50, 86400)],  # POST /api/v1/reports
    "open311.post": [(60, 600), (500, 86400)],  # per address (an integrator's server)
    "open311.post.key": [(600, 600), (5000, 86400)],  # per Open311 API key
    "reports.support": [(30, 600), (200, 86400)],
    "reports.flag": [(10, 600), (30, 86400)],
    "conversations.start": [(10, 600), (50, 86400)],  # web and API
    "conversations.message": [(30, 600), (300, 86400)],  # web and API
    "answers.agent_question": [(5, 600), (20, 86400)],
    "answers.feedback": [(30, 600), (300, 86400)],
    "certification.verify": [(20, 600), (200, 86400)],  # file uploads to /verifier/
    "core.address_confirm": [(20, 600), (100, 86400)],
    "core.address_lookup": [(300, 600), (3000, 86400)],  # address completion, reverse
    "networks.propose": [(5, 600), (20, 86400)],  # propose a group
    "networks.edit_link": [(5, 600), (20, 86400)],  # ask for a group's update link
    "networks.edit": [(10, 600), (50, 86400)],  # update a group through its link
    "certification.quote": [(30, 60)],  # a quote search costs up to ~0.1 s of CPU
    "discovery.preferences": [(30, 600), (200, 86400)],  # sets a cookie, stores nothing
    # Back-office password resets: per client address, and per e-mail address asked for
    # (counted whether or not an account has it, so the limit reveals nothing).
    "staff.password_reset": [(5, 3600), (20, 86400)],
    "staff.password_reset.address": [(3, 3600)],
    "listening.answer": [(20, 600), (100, 86400)],  # the web form at /m/<code>/
    # SMS providers' webhooks: every SMS of the city arrives from a few provider addresses.
    "listening.sms": [(3000, 60), (200000, 86400)],
    # ActivityPub inboxes: a big instance delivers many activities from one address.
    "federation.inbox": [(300, 600), (5000, 86400)],
}
if os.environ.get("PARVIS_RATELIMITS_JSON"):  # benchmarks and special deployments
    import json

    PARVIS_RATELIMITS.update(json.loads(os.environ["PARVIS_RATELIMITS_JSON"]))
# Largest request body per door, refused (413) on its Content-Length before it is read.
PARVIS_WRITE_MAX_BODY = {
    "default": 64 * 1024,
    "reports.create": 3 * PARVIS_REPORTS_PHOTO_MAX_BYTES + 256 * 1024,  # three photos
    "open311.post": 256 * 1024,
    "certification.verify": PARVIS_VERIFY_MAX_UPLOAD + 64 * 1024,
    "federation.inbox": 256 * 1024,
}
# Django's own caps, coherent with the doors': form fields (not files) in memory at most 2.5 MB
# (the back office posts long pages); uploads above 1 MB stream to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 1_048_576

# --- answers ----------------------------------------------------------------------------------

# Days an anonymous search log or answer vote is kept (`parvis answers_purge_logs`).
PARVIS_ANSWERS_LOG_DAYS = int(os.environ.get("PARVIS_ANSWERS_LOG_DAYS", "365"))
# Semantic ranking fused with the lexical one (on by default; the task worker computes the
# documents' vectors, `parvis answers_embed` by hand). Off: the engine is lexical only.
PARVIS_ANSWERS_SEMANTIC = env_bool("PARVIS_ANSWERS_SEMANTIC", True)
# Threads of the query embedder: 1 avoids spinning threads fighting web workers for the CPU.
PARVIS_ANSWERS_SEMANTIC_THREADS = int(os.environ.get("PARVIS_ANSWERS_SEMANTIC_THREADS", "1"))
# "Useful" votes for the same wording and answer before it is proposed to editors as a wording
# of that answer ("Formulations apprises"; nothing is indexed before an editor approves it).
PARVIS_ANSWERS_LEARN_MIN_VOTES = int(os.environ.get("PARVIS_ANSWERS_LEARN_MIN_VOTES", "3"))

# --- conversation -----------------------------------------------------------------------------

# The service that receives hand-offs when no Fiche's service fits (created if missing).
PARVIS_CONVERSATION_DEFAULT_SERVICE = os.environ.get(
    "PARVIS_CONVERSATION_DEFAULT_SERVICE", "accueil"
)
# Days after the last activity before a transcript is anonymised (parvis conversations_purge).
PARVIS_CONVERSATION_RETENTION_DAYS = int(os.environ.get("PARVIS_CONVERSATION_RETENTION_DAYS", "90"))

# --- Personal data ("Mes données", retention) ---------------------------------------------------
# A reporter's email is erased this many days after the report is closed (resolved, refused…).
PARVIS_REPORTS_EMAIL_RETENTION_DAYS = int(
    os.environ.get("PARVIS_REPORTS_EMAIL_RETENTION_DAYS", "90")
)
# Sent (or dead-lettered) outbox messages are deleted after this many days.
PARVIS_OUTBOX_RETENTION_DAYS = int(os.environ.get("PARVIS_OUTBOX_RETENTION_DAYS", "30"))
# "Mes données": how long a link or code opens the page, and an export link stays valid.
PARVIS_MYDATA_LINK_MINUTES = int(os.environ.get("PARVIS_MYDATA_LINK_MINUTES", "30"))
PARVIS_MYDATA_EXPORT_DAYS = int(os.environ.get("PARVIS_MYDATA_EXPORT_DAYS", "7"))
# Optional OpenAI-compatible chat endpoint the city hosts itself; empty = off (extractive only).
PARVIS_LLM_URL = os.environ.get("PARVIS_LLM_URL", "")
PARVIS_LLM_MODEL = os.environ.get("PARVIS_LLM_MODEL", "")
PARVIS_LLM_API_KEY = os.environ.get("PARVIS_LLM_API_KEY", "")
PARVIS_LLM_TIMEOUT = float(os.environ.get("PARVIS_LLM_TIMEOUT", "8"))

# --- listening ("Une minute pour…") -----------------------------------------------------------

# Key of the hash that stands for a phone number (deduplication, STOP): set it in production;
# changing it forgets every opt-out. Defaults to a key derived from SECRET_KEY.
PARVIS_PHONE_HASH_KEY = os.environ.get("PARVIS_PHONE_HASH_KEY", "") or f"phone:{SECRET_KEY}"
PARVIS_SMS_DEFAULT_REGION = os.environ.get("PARVIS_SMS_DEFAULT_REGION", "FR")
# The number printed on signs ("Envoyez VELO12 oui au 06 …"); empty hides the SMS channel.
PARVIS_SMS_NUMBER = os.environ.get("PARVIS_SMS_NUMBER", "")
# Hours a number is kept for a reply that could not be sent yet; then erased.
PARVIS_SMS_CONTACT_HOURS = int(os.environ.get("PARVIS_SMS_CONTACT_HOURS", "48"))
PARVIS_SMS_ADAPTERS = [
    "parvis.listening.sms.twilio.TwilioAdapter",
    "parvis.listening.sms.ovh.OvhAdapter",
]
PARVIS_SMS_TWILIO_ACCOUNT_SID = os.environ.get("PARVIS_SMS_TWILIO_ACCOUNT_SID", "")
PARVIS_SMS_TWILIO_AUTH_TOKEN = os.environ.get("PARVIS_SMS_TWILIO_AUTH_TOKEN", "")
PARVIS_SMS_TWILIO_FROM = os.environ.get("PARVIS_SMS_TWILIO_FROM", "")
PARVIS_SMS_TWILIO_MESSAGING_SERVICE_SID = os.environ.get(
    "PARVIS_SMS_TWILIO_MESSAGING_SERVICE_SID", ""
)
PARVIS_SMS_TWILIO_API_URL = os.environ.get(
    "PARVIS_SMS_TWILIO_API_URL", "https://api.twilio.com"
).rstrip("/")
PARVIS_SMS_OVH_ENDPOINT = os.environ.get(
    "PARVIS_SMS_OVH_ENDPOINT", "https://eu.api.ovh.com/1.0"
).rstrip("/")
PARVIS_SMS_OVH_APPLICATION_KEY = os.environ.get("PARVIS_SMS_OVH_APPLICATION_KEY", "")
PARVIS_SMS_OVH_APPLICATION_SECRET = os.environ.get("PARVIS_SMS_OVH_APPLICATION_SECRET", "")
PARVIS_SMS_OVH_CONSUMER_KEY = os.environ.get("PARVIS_SMS_OVH_CONSUMER_KEY", "")
PARVIS_SMS_OVH_SERVICE_NAME = os.environ.get("PARVIS_SMS_OVH_SERVICE_NAME", "")
PARVIS_SMS_OVH_SENDER = os.environ.get("PARVIS_SMS_OVH_SENDER", "")
# The secret in the callback URL configured on the OVHcloud SMS account.
PARVIS_SMS_OVH_CALLBACK_TOKEN = os.environ.get("PARVIS_SMS_OVH_CALLBACK_TOKEN", "")

# --- audience ---------------------------------------------------------------------------------

# Page views counted on the server, per page and day, with nothing personal (parvis.audience).
PARVIS_AUDIENCE_ENABLED = env_bool("PARVIS_AUDIENCE_ENABLED", True)
# Seconds a worker keeps its page-view counts in memory before writing them in one transaction
# (0: one write per view). A worker killed outright loses at most this much of its counts.
PARVIS_AUDIENCE_FLUSH_SECONDS = float(os.environ.get("PARVIS_AUDIENCE_FLUSH_SECONDS", "10"))
# Days the audience counts are kept: 25 months at most, the CNIL's limit for exempt measurement.
PARVIS_AUDIENCE_RETENTION_DAYS = min(
    int(os.environ.get("PARVIS_AUDIENCE_RETENTION_DAYS", "760")), 760
)
# Counts below this are hidden from the open-data export, so a rare question names nobody.
PARVIS_AUDIENCE_OPEN_DATA_MIN = int(os.environ.get("PARVIS_AUDIENCE_OPEN_DATA_MIN", "5"))
# Addresses never counted: the back office, the APIs, files.
PARVIS_AUDIENCE_EXCLUDED_PREFIXES = ("/admin/", "/api/", "/documents/", "/static/", "/media/")
# --- federation (the city on the fediverse) ----------------------------------------------------

# The city's ActivityPub actor is @<this>@<host of PARVIS_BASE_URL>; each quartier's agenda is
# @<quartier slug>@host.
PARVIS_FEDERATION_CITY_USERNAME = os.environ.get("PARVIS_FEDERATION_CITY_USERNAME", "ville")
# Seconds a signed request's Date may be away from now (Mastodon accepts about an hour of skew).
PARVIS_FEDERATION_SIGNATURE_WINDOW = int(
    os.environ.get("PARVIS_FEDERATION_SIGNATURE_WINDOW", "3600")
)
# Deliveries to followers: attempts before a dead letter, first retry delay (doubled each time,
# jittered, capped at six hours), and the timeout of one request in seconds.
PARVIS_FEDERATION_MAX_ATTEMPTS = int(os.environ.get("PARVIS_FEDERATION_MAX_ATTEMPTS", "10"))
PARVIS_FEDERATION_RETRY_SECONDS = int(os.environ.get("PARVIS_FEDERATION_RETRY_SECONDS", "60"))
PARVIS_FEDERATION_TIMEOUT = float(os.environ.get("PARVIS_FEDERATION_TIMEOUT", "10"))
# Tests only: let fetches and deliveries reach servers on loopback (never in production).
PARVIS_FEDERATION_ALLOW_LOOPBACK = env_bool("PARVIS_FEDERATION_ALLOW_LOOPBACK", False)
if PARVIS_FEDERATION_ALLOW_LOOPBACK and HTTPS:
    raise ImproperlyConfigured(
        "PARVIS_FEDERATION_ALLOW_LOOPBACK is for tests, never in production."
    )
