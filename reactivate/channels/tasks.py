"""Provider reports stored but not acted on (a crash mid-way, an error) are tried again, and
the prices providers report after a send are collected."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from reactivate.channels.events import process_pending
from reactivate.channels.prices import fetch_reported_prices


@db_periodic_task(crontab(minute="*/5"))
@lock_task("channel-events")
def process_pending_events() -> None:
    process_pending()


@db_periodic_task(crontab(minute="*/10"))
@lock_task("channel-prices")
def collect_reported_prices() -> None:
    fetch_reported_prices()
