"""The seed's "verify email deliverability" before a campaign: can these addresses get mail?

For a segment's addresses: each distinct domain's mail servers (MX, else the A or AAAA
record RFC 5321 falls back to; a "null MX" of RFC 7505 says no mail), asked concurrently and
kept for a day; provider domains one or two letters off a common one (gmial.com → gmail.com);
disposable domains (the maintained ``disposable-email-domains`` list); role addresses
(info@, office@), which reach a desk rather than the person; and addresses that bounced
before. DNS that does not answer is reported as unknown, never as bad.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import dns.exception
import dns.resolver
from disposable_email_domains import blocklist as DISPOSABLE
from django.conf import settings
from rapidfuzz.distance import Levenshtein

from reactivate.channels.models import DomainCheck
from reactivate.leads.choices import SuppressionReason, Validity
from reactivate.leads.models import ContactPoint, Suppression
from reactivate.segments.definitions import segment_leads
from reactivate.segments.models import Segment

FRESH = timedelta(days=1)
WORKERS = 16
PROVIDERS = (
    "gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com",
    "comcast.net", "live.com", "msn.com", "me.com", "att.net", "verizon.net", "sbcglobal.net",
    "bellsouth.net", "cox.net", "charter.net", "ymail.com", "protonmail.com", "proton.me",
    "mail.com", "gmx.com", "yahoo.es", "hotmail.es",
)  # fmt: skip
ROLES = frozenset(
    [
        "info",
        "admin",
        "office",
        "frontdesk",
        "front.desk",
        "reception",
        "support",
        "sales",
        "contact",
        "billing",
        "noreply",
        "no-reply",
        "hello",
        "team",
        "webmaster",
        "postmaster",
        "help",
        "enquiries",
        "inquiries",
        "mail",
    ]
)


def resolver() -> dns.resolver.Resolver:
    if not settings.DNS_NAMESERVERS:
        found = dns.resolver.Resolver()
    else:
        found = dns.resolver.Resolver(configure=False)
        hosts = [h.strip() for h in settings.DNS_NAMESERVERS.split(",") if h.strip()]
        found.nameservers = [h.rsplit(":", 1)[0] if ":" in h else h for h in hosts]
        ports = {int(h.rsplit(":", 1)[1]) for h in hosts if ":" in h}
        found.port = ports.pop() if ports else 53
    found.lifetime = 3.0
    return found


def receives_mail(domain: str, ask: dns.resolver.Resolver) -> tuple[bool | None, str]:
    try:
        answers = ask.resolve(domain, "MX")
        hosts = sorted((r.preference, str(r.exchange).rstrip(".")) for r in answers)
        if hosts and all(host in ("", ".") for _, host in hosts):
            return False, "null MX: the domain says it takes no mail"
        return True, "MX " + ", ".join(host for _, host in hosts[:3])
    except dns.resolver.NXDOMAIN:
        return False, "the domain does not exist"
    except dns.resolver.NoAnswer:
        for kind in ("A", "AAAA"):
            try:
                ask.resolve(domain, kind)
                return True, f"no MX; mail goes to its {kind} record"
            except (dns.resolver.NoAnswer, dns.resolver.NXDOMAIN):
                continue
            except dns.exception.DNSException as exc:
                return None, f"DNS did not answer: {exc.__class__.__name__}"
        return False, "no MX and no address record"
    except dns.exception.DNSException as exc:
        return None, f"DNS did not answer: {exc.__class__.__name__}"


def check_domains(domains: set[str], now: datetime) -> dict[str, DomainCheck]:
    """Each domain's answer, from the day's cache or asked now, many at once."""
    known = {
        c.domain: c
        for c in DomainCheck.objects.filter(domain__in=domains, checked_at__gte=now - FRESH)
    }
    todo = sorted(domains - set(known))
    if todo:
        ask = resolver()
        with ThreadPoolExecutor(min(WORKERS, len(todo))) as pool:
            answers = list(pool.map(lambda d: receives_mail(d, ask), todo))
        for domain, (mail, detail) in zip(todo, answers, strict=True):
            known[domain], _ = DomainCheck.objects.update_or_create(
                domain=domain,
                defaults={"receives_mail": mail, "detail": detail[:300], "checked_at": now},
            )
    return known


def typo_of(domain: str) -> str | None:
    if domain in PROVIDERS:
        return None
    close = [(Levenshtein.distance(domain, p), p) for p in PROVIDERS]
    distance, best = min(close)
    return best if distance <= 2 and len(domain) >= 6 else None


def segment_deliverability(segment: Segment, now: datetime) -> dict:
    practice = segment.practice
    leads = segment_leads(practice, segment.definition, now).values("pk")
    points = ContactPoint.objects.filter(practice=practice, lead_id__in=leads, kind="email")
    addresses = sorted(set(points.values_list("value", flat=True)))
    bounced = set(
        points.filter(validity__in=[Validity.BOUNCED, Validity.INVALID]).values_list(
            "value", flat=True
        )
    ) | set(
        Suppression.objects.filter(
            practice=practice, kind="email", value__in=addresses,
            reason=SuppressionReason.BOUNCE,
        ).values_list("value", flat=True)
    )  # fmt: skip
    per_domain = Counter(a.rpartition("@")[2] for a in addresses)
    checks = check_domains(set(per_domain), now)
    no_mail = sorted(d for d, c in checks.items() if c.receives_mail is False)
    unknown = sorted(d for d, c in checks.items() if c.receives_mail is None)
    typos = {d: typo_of(d) for d in per_domain}
    return {
        "practice": practice.slug,
        "segment": segment.name,
        "addresses": len(addresses),
        "domains": len(per_domain),
        "no_mail_server": [
            {"domain": d, "addresses": per_domain[d], "why": checks[d].detail} for d in no_mail
        ],
        "typos": [
            {"domain": d, "suggestion": s, "addresses": per_domain[d]}
            for d, s in sorted(typos.items())
            if s
        ],
        "disposable": sum(n for d, n in per_domain.items() if d in DISPOSABLE),
        "role": sum(1 for a in addresses if a.partition("@")[0] in ROLES),
        "bounced_before": len(bounced),
        "unknown": unknown,
        "deliverable": sum(
            1 for a in addresses
            if a not in bounced and checks[a.rpartition("@")[2]].receives_mail is not False
        ),
    }  # fmt: skip
