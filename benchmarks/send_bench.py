"""Sending at the speed of the network, still at most once.

    python benchmarks/send_bench.py [--messages 5000] [--delay 0.15] [--kills 10] [--serial 300]

Phases, each one engine worker process on a fresh practice in one SQLite database:
1. SMS: ``--messages`` texts through the twilio SDK to a stand-in of Twilio's Messages
   endpoint on loopback that answers after ``--delay`` seconds (a real call takes
   100-500 ms), from a short code (100 messages a second), SEND_CONCURRENCY=8.
2. The serial baseline: ``--serial`` texts the same way with SEND_CONCURRENCY=1.
3. Email: ``--messages`` emails over SMTP to aiosmtpd on loopback.
4. Kills: ``--messages`` texts again, the worker killed with SIGKILL ``--kills`` times at
   random moments, then one worker finishes. Nothing may reach the stand-in twice; every
   message ends sent, deferred or uncertain.

Goals (issue #15): SMS at least 40 a second (the serial baseline under 7), email at least
100 a second, 0 duplicates. The last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable


def child_setup(slug: str, channel: str, count: int, target: str) -> None:
    """A practice open all day with ``count`` leads reachable on ``channel``, a one-step
    campaign launched for them, and its provider pointed at ``target``."""
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from reactivate.campaigns.sequences import sequence_create, step_add
    from reactivate.campaigns.services import campaign_create, campaign_launch
    from reactivate.channels.config import channel_configure
    from reactivate.leads.models import Consent, ContactPoint, Lead
    from reactivate.messaging.models import MessageTemplate
    from reactivate.messaging.services import install_starter_playbooks
    from reactivate.segments.models import Segment
    from reactivate.tenancy.models import Agency, Practice

    call_command("migrate", verbosity=0)
    now = timezone.now()
    agency, _ = Agency.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    practice = Practice.objects.create(
        agency=agency, slug=slug, name=f"Send bench {slug}", timezone="America/Chicago",
        send_days="0,1,2,3,4,5,6", send_from_hour=0, send_until_hour=24,
        max_touches_per_day=50, max_touches_per_week=50, replies_per_day=100000,
        postal_address="200 Lake St, Chicago, IL 60601",
    )  # fmt: skip
    leads = Lead.objects.bulk_create(
        Lead(practice=practice, first_name=f"Lead{i}", last_name="Bench", stage="consultation",
             status="stalled", treatment="Implants", last_contact_at=now - timedelta(days=200))
        for i in range(count)
    )  # fmt: skip
    phone = channel == "sms"
    # Numbers of their own per practice: the stand-in counts what reaches each number.
    base = 2000000 + 100000 * Practice.objects.count()
    points = ContactPoint.objects.bulk_create(
        ContactPoint(practice=practice, lead=lead, kind="phone" if phone else "email",
                     value=f"+1512{base + i}" if phone else f"lead{i}@{slug}.example",
                     validity="valid", line_type="mobile" if phone else "unknown",
                     timezone="America/Chicago", is_primary=True)
        for i, lead in enumerate(leads)
    )  # fmt: skip
    if phone:
        Consent.objects.bulk_create(
            Consent(practice=practice, contact_point=point, channel="sms", status="granted",
                    recorded_at=now - timedelta(days=300))
            for point in points
        )  # fmt: skip
        values = {"account_sid": "AC" + "b2" * 16, "auth_token": "0" * 32, "from_number": "55501"}
        channel_configure(practice=practice, channel="sms", provider="twilio", values=values,
                          actor=None)  # fmt: skip
    else:
        values = {"url": target, "from_email": "frontdesk@bench.example",
                  "reply_domain": "replies.bench.example"}  # fmt: skip
        channel_configure(practice=practice, channel="email", provider="smtp", values=values,
                          actor=None)  # fmt: skip
    install_starter_playbooks(practice=practice, actor=None)
    template = MessageTemplate.objects.get(practice=practice, step=f"{channel}-1", language="en",
                                           dormancy_reason="")  # fmt: skip
    sequence = sequence_create(practice=practice, name="One step", actor=None)
    step_add(sequence=sequence, actor=None, channel=channel, template=template, wait=0)
    segment = Segment.objects.create(practice=practice, name="All", definition={})
    campaign = campaign_create(practice=practice, name="Bench", segment=segment,
                               sequence=sequence, holdout_percent=0, actor=None)  # fmt: skip
    campaign_launch(campaign=campaign, actor=None, now=now)


def child_work(name: str) -> None:
    import django

    django.setup()
    from reactivate.campaigns.engine import run_due

    # Timed from the first pass (not the process's start-up); killed workers never print.
    start = time.perf_counter()
    while run_due(worker=name).claimed:
        pass
    print(json.dumps({"seconds": time.perf_counter() - start}))


def child_check(slug: str) -> None:
    import django

    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from reactivate.campaigns.engine import recover_uncertain
    from reactivate.campaigns.models import Enrollment
    from reactivate.campaigns.store import LEASE
    from reactivate.channels.models import OutboundMessage
    from reactivate.leads.models import Interaction

    recover_uncertain(timezone.now() + LEASE)  # a killed worker's "sending" is in doubt
    status = Counter(
        OutboundMessage.objects.filter(practice__slug=slug).values_list("status", flat=True)
    )
    logged_twice = (
        Interaction.objects.filter(practice__slug=slug, kind="message_out")
        .values("data__outbound").annotate(n=Count("id")).filter(n__gt=1).count()
    )  # fmt: skip
    enrollments = Enrollment.objects.filter(practice__slug=slug)
    moved_on = enrollments.filter(position__gte=1).count()
    parked = enrollments.filter(position=0, status="waiting").count()
    deferred = enrollments.filter(position=0, status="active").count()
    print(json.dumps({"status": dict(status), "logged_twice": logged_twice,
                      "moved_on": moved_on, "parked": parked, "deferred": deferred,
                      "enrollments": enrollments.count()}))  # fmt: skip


class Mailbox:
    def __init__(self) -> None:
        self.recipients: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"


def run(me, env, *args, capture=False):
    done = subprocess.run([*me, *args], env=env, cwd=ROOT, check=True, text=True,
                          capture_output=capture)  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1]) if capture else None


def timed_phase(me, env, slug, channel, count, target="") -> tuple[float, dict]:
    run(me, env, "--child", "setup", "--slug", slug, "--channel", channel,
        "--count", str(count), "--target", target)  # fmt: skip
    seconds = run(me, env, "--child", "work", "--name", slug, capture=True)["seconds"]
    return seconds, run(me, env, "--child", "check", "--slug", slug, capture=True)


def killed_phase(me, env, count, kills) -> dict:
    run(me, env, "--child", "setup", "--slug", "kills", "--channel", "sms", "--count", str(count))
    rng = random.Random(15)
    for trial in range(kills):
        worker = subprocess.Popen([*me, "--child", "work", "--name", f"k{trial}"], env=env,
                                  cwd=ROOT)  # fmt: skip
        time.sleep(rng.uniform(2.0, 5.0))  # after start-up, at a random moment of its work
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(float(env["ENGINE_LEASE_SECONDS"]) + 1)  # the killed claims run out
    run(me, env, "--child", "work", "--name", "finisher", capture=True)
    return run(me, env, "--child", "check", "--slug", "kills", capture=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--delay", type=float, default=0.15)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--serial", type=int, default=300)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--slug", default="", help=argparse.SUPPRESS)
    parser.add_argument("--channel", default="sms", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--target", default="", help=argparse.SUPPRESS)
    parser.add_argument("--name", default="w", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "setup":
        return child_setup(args.slug, args.channel, args.count, args.target)
    if args.child == "work":
        return child_work(args.name)
    if args.child == "check":
        return child_check(args.slug)

    from aiosmtpd.controller import Controller

    from reactivate.channels.sms.standin import TwilioStandIn

    home = tempfile.mkdtemp(prefix="send-bench-")
    me = [PYTHON, __file__]
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    smtp_url = f"smtp://127.0.0.1:{port}"
    with TwilioStandIn(delay=args.delay) as standin:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "HUEY_URL")}
        env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT),
                   REACTIVATE_HOME=home, TWILIO_API_BASE=standin.url, SEND_CONCURRENCY="8",
                   ENGINE_LEASE_SECONDS="5")  # fmt: skip
        sms_s, sms = timed_phase(me, env, "sms", "sms", args.messages)
        serial_s, serial = timed_phase(me, {**env, "SEND_CONCURRENCY": "1"}, "serial", "sms",
                                       args.serial)  # fmt: skip
        email_s, email = timed_phase(me, env, "email", "email", args.messages, smtp_url)
        kills = killed_phase(me, env, args.messages, args.kills)
        texts = Counter(m["to"] for m in standin.messages)
    smtp.stop()
    report(args, sms_s, sms, serial_s, serial, email_s, email, kills, texts, mailbox)


def report(args, sms_s, sms, serial_s, serial, email_s, email, kills, texts, mailbox) -> None:
    sms_rate = sms["status"].get("sent", 0) / sms_s
    serial_rate = serial["status"].get("sent", 0) / serial_s
    email_rate = email["status"].get("sent", 0) / email_s
    duplicates = sum(1 for n in texts.values() if n > 1) + sum(
        1 for n in mailbox.recipients.values() if n > 1
    )
    duplicates += sms["logged_twice"] + email["logged_twice"] + kills["logged_twice"]
    ks = kills["status"]
    accounted = kills["moved_on"] + kills["parked"] + kills["deferred"] == kills["enrollments"]
    print(f"SMS: {sms['status'].get('sent', 0):,} in {sms_s:.1f}s = {sms_rate:.1f}/s "
          f"(serial baseline {serial_rate:.1f}/s; goal >= 40/s, baseline < 7)")  # fmt: skip
    print(f"email: {email['status'].get('sent', 0):,} in {email_s:.1f}s = {email_rate:.1f}/s "
          "(goal >= 100/s)")  # fmt: skip
    print(f"{args.kills} SIGKILLs: sent {ks.get('sent', 0):,}, uncertain "
          f"{ks.get('uncertain', 0)}, deferred {kills['deferred']}, every message accounted "
          f"for: {accounted}; duplicates {duplicates} (goal 0)")  # fmt: skip
    print(json.dumps({
        "sms_per_second": round(sms_rate, 1), "sms_serial_per_second": round(serial_rate, 1),
        "email_per_second": round(email_rate, 1), "messages": args.messages,
        "delay": args.delay, "kills": args.kills, "kill_sent": ks.get("sent", 0),
        "kill_uncertain": ks.get("uncertain", 0), "kill_deferred": kills["deferred"],
        "accounted": accounted, "duplicates": duplicates,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
