"""Test-wide set-up. Tasks run inline so a test sees their effect without a consumer."""

from django.conf import settings
from huey.contrib.djhuey import HUEY

HUEY.immediate = True
# Password hashing is deliberately slow; tests create many users and need no such protection.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
