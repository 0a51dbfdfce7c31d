"""Test-wide set-up. Tasks run inline so a test sees their effect without a consumer."""

from huey.contrib.djhuey import HUEY

HUEY.immediate = True
