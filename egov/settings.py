"""Settings, read only from environment variables; the defaults are the embedded development set-up.

Every variable is listed in README.md. With DJANGO_ENV=production the process refuses to start on an
unsafe configuration (DEBUG on, the development secret key, no allowed hosts).
"""

from pathlib import Path

import environ
import xstatic.pkg.bootstrap
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"

env = environ.Env()
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

# Runtime files of the embedded set-up (SQLite database, broker folders, uploads) live here.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The public base URL, used in notifications and in the QR codes printed on documents. Its default follows PORT, as
# `make run` does: the demo's linked records, written before the web starts, carry it as their callback address.
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")

if PRODUCTION:
    problems = []
    if DEBUG:
        problems.append("DJANGO_DEBUG must be off")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 32 characters")
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must list the served host names")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

INSTALLED_APPS = [
    # Django's admin with its default site replaced by one that needs the second factor (egov/accounts/admin_site.py).
    "egov.accounts.admin_apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "egov.units",
    "egov.accounts",
    "egov.workcal",
    "egov.notifications",
    "egov.core",
    "procedures",
    "onecounter",
    "interconnect",
    "reporting",
    # The project shell: the pages every user sees and the demo data set, above all the apps it shows.
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "egov.accounts.middleware.OfficerSessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: DATABASE_URL, e.g. postgres://user:pass@host:5432/name; the default is SQLite in WAL mode.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot create its file's folder, and a fresh checkout has no var/ yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL compiles a query whose estimated cost passes jit_above_cost (100,000) before running it: 0.6-1.2 s
    # for a rebuild chunk that runs in 50-70 ms, and a live dashboard's stocks sit near that cost at 5 M dossiers
    # (docs/benchmarks.md). A web application's short queries never gain from it. DATABASE_JIT=1 turns it back on.
    if not env.bool("DATABASE_JIT", default=False):
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: CACHE_URL (redis://host:6379/1 in production, so login throttling is shared by all web nodes).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["egov.accounts.backends.IdNumberOrPhoneBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:after-login"
LOGOUT_REDIRECT_URL = "core:home"
# Argon2id first (ADR 0019); PBKDF2 after it only so that older hashes still verify, and are rehashed at login.
PASSWORD_HASHERS = [
    "egov.accounts.hashers.OwaspArgon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins allowed per identifier and per client address within the window, then a pause.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
# Public dossier look-up (code + phone): attempts per client address and per code within the window.
DOSSIER_LOOKUP_MAX_ATTEMPTS = env.int("DOSSIER_LOOKUP_MAX_ATTEMPTS", default=10)
DOSSIER_LOOKUP_WINDOW_SECONDS = env.int("DOSSIER_LOOKUP_WINDOW_SECONDS", default=600)
# Officers' sessions (every role but the citizen's, and the admin's) end after this long idle, and this long at most.
OFFICER_SESSION_IDLE_SECONDS = env.int("OFFICER_SESSION_IDLE_SECONDS", default=30 * 60)
OFFICER_SESSION_MAX_SECONDS = env.int("OFFICER_SESSION_MAX_SECONDS", default=10 * 60 * 60)
# The name authenticator apps show beside the account (docs/adr/0016-one-login-and-second-factor.md).
OTP_TOTP_ISSUER = "Cổng dịch vụ công Hà Nội"
# Reverse proxies in front of the app that append to X-Forwarded-For (0 = ignore the header). Behind one
# nginx this must be 1, or every citizen shares the proxy's address in the login throttle.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["egov.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
if not PRODUCTION:
    # WhiteNoise warns on every request when the folder is missing; outside production nobody runs collectstatic.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded scans are private: never served by URL, only through views that check who asks.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: CELERY_BROKER_URL, e.g. redis://host:6379/0; the default is kombu's file-system transport.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
    # Kombu's file-system transport cannot create its folders; a fresh checkout has none yet.
    for _folder in ("queue", "processed", "control"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Re-queues linked records whose message was lost, polls agencies that never called back, settles what is due.
    "linked-records-sweep": {"task": "interconnect.tasks.linked_records_sweep", "schedule": 60.0},
    # Re-queues requesters' SMS and e-mails whose message was lost (a broker down at commit, a dead worker).
    "notifications-sweep": {"task": "egov.notifications.tasks.notifications_sweep", "schedule": 60.0},
    # Brings the reporting rollups up to date with the dossiers changed since the last run.
    "reporting-refresh": {"task": "reporting.tasks.rollups_refresh", "schedule": 30.0},
    # Last week's PDF report, kept and e-mailed to the city staff every Monday morning (CELERY_TIMEZONE).
    "reporting-weekly": {
        "task": "reporting.tasks.weekly_report",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Outgoing messages. EMAIL_URL: smtp://user:pass@host:587 (default: printed to the console).
_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {k: v for k, v in _smtp_options.items() if v} if "smtp" in _email["EMAIL_BACKEND"] else {},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Cổng dịch vụ công Hà Nội <no-reply@dichvucong.hanoi.gov.vn>"
)
# SMS_BACKEND: console (print), http (POST to SMS_HTTP_URL with SMS_HTTP_TOKEN) or locmem (tests).
SMS_BACKEND = env.str("SMS_BACKEND", default="console")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT_SECONDS = env.float("SMS_HTTP_TIMEOUT_SECONDS", default=5.0)

# 3-in-1 interconnect (docs/interconnect-protocol.md): each agency's base URL and shared secret; the secrets'
# development defaults are refused in production. Callbacks come back to INTERCONNECT_CALLBACK_BASE_URL.
INTERCONNECT_POLICE_URL = env.str("INTERCONNECT_POLICE_URL", default="http://127.0.0.1:8101")
INTERCONNECT_POLICE_SECRET = env.str("INTERCONNECT_POLICE_SECRET", default="dev-interconnect-secret-police")
INTERCONNECT_SOCIAL_INSURANCE_URL = env.str("INTERCONNECT_SOCIAL_INSURANCE_URL", default="http://127.0.0.1:8102")
INTERCONNECT_SOCIAL_INSURANCE_SECRET = env.str(
    "INTERCONNECT_SOCIAL_INSURANCE_SECRET", default="dev-interconnect-secret-social_insurance"
)
INTERCONNECT_CALLBACK_BASE_URL = env.str("INTERCONNECT_CALLBACK_BASE_URL", default="") or SITE_URL
INTERCONNECT_TIMEOUT_SECONDS = env.float("INTERCONNECT_TIMEOUT_SECONDS", default=10.0)
# Pushes per record before it is marked failed for an officer to re-send (backoff 30 s doubling, at most 1 h).
INTERCONNECT_MAX_ATTEMPTS = env.int("INTERCONNECT_MAX_ATTEMPTS", default=8)
# A sent record with no callback after this long is polled (and again every as long while it is processing).
INTERCONNECT_POLL_AFTER_SECONDS = env.int("INTERCONNECT_POLL_AFTER_SECONDS", default=900)
# Working days social insurance has for a health card (Hanoi 2016: 2.5 in urban districts, 3 in rural ones),
# counted from the approval; the police have the procedure's own time limit from the catalogue.
INTERCONNECT_SOCIAL_INSURANCE_DAYS_URBAN = env.str("INTERCONNECT_SOCIAL_INSURANCE_DAYS_URBAN", default="2.5")
INTERCONNECT_SOCIAL_INSURANCE_DAYS_RURAL = env.str("INTERCONNECT_SOCIAL_INSURANCE_DAYS_RURAL", default="3")
if PRODUCTION:
    _unsafe_secrets = [
        name
        for name, value, slug in (
            ("INTERCONNECT_POLICE_SECRET", INTERCONNECT_POLICE_SECRET, "police"),
            ("INTERCONNECT_SOCIAL_INSURANCE_SECRET", INTERCONNECT_SOCIAL_INSURANCE_SECRET, "social_insurance"),
        )
        if not value or value == f"dev-interconnect-secret-{slug}"
    ]
    if _unsafe_secrets:
        raise ImproperlyConfigured(
            "Refusing to start in production: "
            + " and ".join(_unsafe_secrets)
            + " must be set to the secret agreed with the agency, not the development default."
        )

# Working calendar: office hours as HH:MM-HH:MM ranges, and the daily cut-off after which a dossier
# counts from the next working day.
OFFICE_HOURS = env.list("OFFICE_HOURS", default=["08:00-12:00", "13:00-17:00"])
RECEIPT_CUTOFF = env.str("RECEIPT_CUTOFF", default="15:00")

# The administrative-unit data set loaded by `manage.py load_units`.
UNITS_DATASET = env.str("UNITS_DATASET", default="hanoi-2025")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# HTTPS in production, behind the TLS reverse proxy of docs/deployment.md, which sets X-Forwarded-Proto.
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Asked straight at gunicorn in plain HTTP inside the compose network, with no proxy in between: the container's
    # health check, and the agency simulators' callbacks (signed). From outside, everything comes through the proxy,
    # which itself sends port 80 to HTTPS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^lien-thong/goi-lai/"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    # Preloading is hard to undo (browsers ship the list): only on the domain owner's explicit decision.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy, in every environment so the browser tests run under it. Everything comes from the
# portal's own origin; an inline <script> or <style> runs only with the request's nonce ({% csp_nonce_attr %}),
# and style="" attributes never. Bootstrap's icons are data: images; the charts are inline SVG drawn with
# presentation attributes (fill, stroke), which style-src does not govern.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Uploaded scans and photos: per file and per dossier (bytes). The request limit leaves room for a form
# carrying one full-size file, so an oversized upload gets a clear message rather than a bare 400.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
DOSSIER_ATTACHMENTS_MAX_BYTES = env.int("DOSSIER_ATTACHMENTS_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Entries per volume of a civil-status register book; the entry number runs on through the year.
REGISTER_BOOK_SIZE = env.int("REGISTER_BOOK_SIZE", default=500)

# Reports: which dossiers the online rate divides by. "all": every dossier received; "online_procedures":
# only dossiers of procedures offered online (reports published by provinces use either; the page says which).
REPORTING_ONLINE_RATE_BASE = env.str("REPORTING_ONLINE_RATE_BASE", default="all")
if REPORTING_ONLINE_RATE_BASE not in ("all", "online_procedures"):
    raise ImproperlyConfigured("REPORTING_ONLINE_RATE_BASE must be 'all' or 'online_procedures'")
# Who receives the weekly report by e-mail, besides the city staff accounts (comma-separated addresses).
REPORTING_WEEKLY_EXTRA_RECIPIENTS = env.list("REPORTING_WEEKLY_EXTRA_RECIPIENTS", default=[])

# Logging. A PermissionDenied is logged by django.request as one line (user id, path, status), not a traceback:
# thousands of expected refusals must not hide the real errors, whose 500s keep their traceback.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"permission_denied_one_line": {"()": "egov.core.logfilters.PermissionDeniedOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["permission_denied_one_line"]},
        # pypdf warns about every repair it makes while reading a damaged upload; the upload check decides.
        "pypdf": {"level": "ERROR"},
    },
}
