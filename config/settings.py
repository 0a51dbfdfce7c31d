"""The one settings file. Everything that differs between installs comes from the environment.

See docs/operations.md for every variable.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from config.huey import build_huey
from reactivate.core.env import (
    envbool,
    envint,
    envlist,
    envsecret,
    envstr,
    persistent_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
# The data directory holds the SQLite database, the queue, the generated secret key and
# collected static files. Relative paths are taken from where the command runs.
HOME = Path(envstr("REACTIVATE_HOME", "var")).expanduser().resolve()

DEBUG = envbool("REACTIVATE_DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY") or persistent_secret_key(HOME)
SECRET_KEY_FROM_FILE = not envsecret("SECRET_KEY")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "anymail",
    "huey.contrib.djhuey",
    "reactivate.core",
    "reactivate.tenancy",
    "reactivate.audit",
    "reactivate.leads",
    "reactivate.imports",
    "reactivate.segments",
    "reactivate.messaging",
    "reactivate.channels",
    "reactivate.followups",
    "reactivate.campaigns",
    "reactivate.replies",
    "reactivate.workspace",
    "reactivate.metrics",
    "reactivate.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reactivate.tenancy.context_processors.current_practice",
                "reactivate.followups.context_processors.alerts",
            ],
        },
    },
]


def _database() -> dict:
    url = envstr("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    HOME.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "reactivate.core.sqlite",
        "NAME": HOME / "reactivate.sqlite3",
        # Kept open between requests: opening a file and running the pragmas costs more than
        # a reply's own queries.
        "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60),
        "OPTIONS": {
            # WAL lets the web process read while a worker writes; IMMEDIATE takes the write
            # lock at BEGIN so concurrent writers queue on busy_timeout instead of failing
            # with "database is locked" half-way through a transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
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

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders so `reactivate demo` works without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "reactivate@localhost")


HUEY = build_huey(HOME)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The Twilio SDK logs every request and response at INFO: headers included.
        "twilio.http_client": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # A handler of its own here keeps `reactivate worker` from adding huey's (a second
        # copy of every line, in another format).
        "huey": {"handlers": ["console"], "propagate": False},
    },
}

LEADS_PER_PAGE = envint("LEADS_PER_PAGE", 50)
# Provider calls of one batch made at once per worker (each committed as "sending" first, so a
# crash leaves at most this many messages in doubt).
SEND_CONCURRENCY = envint("SEND_CONCURRENCY", 8)
# The installation's own SMTP server, used by every practice that has not set an email
# provider of its own (smtp://user:pass@host:587?starttls=1); empty: the sandbox.
EMAIL_URL = envstr("EMAIL_URL", "")
# The domain replies come back to for practices on EMAIL_URL (plus-addressed per lead).
REPLY_DOMAIN = envstr("REPLY_DOMAIN", "")
# ESP webhooks (django-anymail): the basic-auth secret every ESP's webhook URL carries
# ("user:password"), and the signing keys of the ESPs that sign their requests.
ANYMAIL = {
    name: envstr(f"ANYMAIL_{name}", "")
    for name in (
        "WEBHOOK_SECRET",
        "MAILGUN_WEBHOOK_SIGNING_KEY",
        "POSTMARK_SERVER_TOKEN",
        "SENDGRID_API_KEY",
        "MAILGUN_API_KEY",
        "BREVO_API_KEY",
        "RESEND_SIGNING_SECRET",
        "SPARKPOST_API_KEY",
        "MAILERSEND_SIGNING_SECRET",
    )
    if envstr(f"ANYMAIL_{name}", "")
}
# Empty: Twilio itself. A URL: a stand-in of Twilio's API (tests, the send benchmark).
TWILIO_API_BASE = envstr("TWILIO_API_BASE", "")
# Look up each email domain's mail servers during imports (needs outbound DNS; off by default).
IMPORT_CHECK_EMAIL_DNS = envbool("IMPORT_CHECK_EMAIL_DNS", False)
# The DNS servers the deliverability check asks ("host" or "host:port", comma-separated);
# blank: the system's resolvers.
DNS_NAMESERVERS = envstr("DNS_NAMESERVERS", "")

# Behind TLS (SITE_URL=https://…) these default on; set them to 0 when a proxy does the job.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
