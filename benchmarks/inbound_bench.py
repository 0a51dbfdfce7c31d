"""How fast a reply becomes someone's task: signed Twilio inbound webhooks against a
production-style server.

    pip install -e '.[bench]'          # gunicorn
    python benchmarks/inbound_bench.py [--replies 2000] [--workers 2]

One practice on SQLite with ``--replies`` leads, each texted once; gunicorn on loopback with
``--workers`` processes. Each lead answers "yes, still interested!" with a correctly signed
webhook: first one at a time, then eight at a time. The request returns once the reply is
stored, read, the sequence stopped and the follow-up and its alert committed, so its time
is the time from request to task. Beside it, the same server's static stylesheet, one at a
time. Goal (issue #16): p99 at most 100 ms on SQLite. The last line is JSON.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "b" * 32
ACCOUNT = "AC" + "c4" * 16


def child_setup(count: int) -> None:
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from reactivate.channels.config import channel_configure
    from reactivate.channels.models import OutboundMessage
    from reactivate.leads.models import ContactPoint, Lead
    from reactivate.tenancy.models import Agency, Membership, Practice

    call_command("migrate", verbosity=0)
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    practice = Practice.objects.create(agency=agency, slug="inbound", name="Inbound bench",
                                       timezone="America/Chicago")  # fmt: skip
    channel_configure(practice=practice, channel="sms", provider="twilio", actor=None,
                      values={"account_sid": ACCOUNT, "auth_token": TOKEN,
                              "from_number": "+15125550100"})  # fmt: skip
    for name in ("cara", "dev"):  # two coordinators take the replies in turn, alerted by email
        user = get_user_model().objects.create_user(name, f"{name}@inbound.example", "x" * 12)
        Membership.objects.create(user=user, practice=practice, role="coordinator")
    now = timezone.now()
    leads = Lead.objects.bulk_create(
        Lead(practice=practice, first_name=f"L{i}", last_name="Bench", status="in_sequence",
             last_contact_at=now - timedelta(days=1))
        for i in range(count)
    )  # fmt: skip
    ContactPoint.objects.bulk_create(
        ContactPoint(practice=practice, lead=lead, kind="phone", value=f"+1737{3000000 + i}",
                     validity="valid", line_type="mobile")
        for i, lead in enumerate(leads)
    )  # fmt: skip
    OutboundMessage.objects.bulk_create(
        OutboundMessage(practice=practice, lead=lead, channel="sms", idempotency_key=f"b-{i}",
                        to_value=f"+1737{3000000 + i}", body="Hi", status="sent", sent_at=now)
        for i, lead in enumerate(leads)
    )  # fmt: skip


def child_check() -> None:
    import django

    django.setup()
    from reactivate.followups.models import FollowUp, Notification
    from reactivate.replies.models import Reply

    print(json.dumps({"replies": Reply.objects.count(),
                      "followups": FollowUp.objects.filter(kind="reply").count(),
                      "alerts": Notification.objects.count()}))  # fmt: skip


def sign(url: str, params: dict) -> str:
    payload = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return base64.b64encode(
        hmac.new(TOKEN.encode(), payload.encode(), hashlib.sha1).digest()
    ).decode()


def signed(site: str, index: int) -> urllib.request.Request:
    path = "/hooks/twilio/inbound/inbound/"
    sid = f"SM{index:032x}"
    params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": ACCOUNT, "From": f"+1737{3000000 + index}",
              "To": "+15125550100", "Body": "yes, still interested!", "NumMedia": "0"}  # fmt: skip
    return urllib.request.Request(
        site + path, data=urllib.parse.urlencode(params).encode(),
        headers={"X-Twilio-Signature": sign(site + path, params),
                 "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip


def webhook(request: urllib.request.Request) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - start) * 1000


def static(base: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(base + "/static/reactivate/app.css", timeout=30) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        return child_setup(args.replies)
    if args.child == "check":
        return child_check()
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise SystemExit("needs gunicorn: pip install -e '.[bench]'") from None
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT), SITE_URL=base,
               REACTIVATE_HOME=tempfile.mkdtemp(prefix="inbound-bench-"), LOG_LEVEL="WARNING",
               ALLOWED_HOSTS="127.0.0.1,localhost",
               # The alert's email is sent after the commit; kept in memory here so the
               # figure is ours, not a mail server's.
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")  # fmt: skip
    me = [sys.executable, __file__, "--replies", str(args.replies)]
    subprocess.run([*me, "--child", "setup"], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w",
         str(args.workers), "--log-level", "warning"], env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                static(base)
                break
            except OSError:
                time.sleep(0.2)
        # Signed before the clock starts: the load's own work is not the server's latency.
        requests = [signed(base, i) for i in range(args.replies)]
        half = args.replies // 2
        serial = [webhook(r) for r in requests[:half]]
        with ThreadPoolExecutor(max_workers=8) as pool:
            parallel = list(pool.map(webhook, requests[half:]))
        statics = [static(base) for _ in range(500)]
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = json.loads(subprocess.run([*me, "--child", "check"], env=env, cwd=ROOT, check=True,
                                      capture_output=True, text=True).stdout.splitlines()[-1])  # fmt: skip
    (s50, s99), (p50, p99), (t50, t99) = map(percentiles, (serial, parallel, statics))
    print(
        f"one at a time: p50 {s50:.1f} ms, p99 {s99:.1f} ms; eight at a time: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms (goal p99 <= 100 ms); static page p50 {t50:.1f} ms, p99 {t99:.1f} ms"
    )
    print(
        f"{check['replies']} replies read, {check['followups']} follow-ups made, "
        f"{check['alerts']} alerts"
    )
    print(json.dumps({"replies": args.replies, "serial_p50_ms": round(s50, 1),
                      "serial_p99_ms": round(s99, 1), "parallel8_p50_ms": round(p50, 1),
                      "parallel8_p99_ms": round(p99, 1), "static_p50_ms": round(t50, 1),
                      "static_p99_ms": round(t99, 1), "followups": check["followups"], "alerts": check["alerts"]}))  # fmt: skip


if __name__ == "__main__":
    main()
