"""A seeded generator of realistic, messy leads for demos, tests and benchmarks.

Pure data: it returns plain records and knows nothing of the database. Each contact value comes
in two forms, the messy one a CRM export would hold and the normalised one we store, so the
same records can exercise the importer later.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

# (treatment, typical case value in USD, spread as a share of the value)
DENTAL_TREATMENTS = (
    ("Dental implant", 4500, 0.25),
    ("All-on-4 implants", 24000, 0.2),
    ("Invisalign", 5500, 0.2),
    ("Porcelain veneers", 12000, 0.35),
    ("Crown", 1500, 0.2),
    ("Teeth whitening", 650, 0.3),
    ("Smile makeover", 18000, 0.3),
)

FIRST_NAMES = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Christopher",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "José",
    "María",
    "Zoë",
    "Chloé",
    "Renée",
    "Nguyễn",
    "Aaliyah",
    "Priya",
    "Wei",
    "Mei",
    "Olumide",
    "Siobhán",
    "Björn",
    "Ana",
    "Luis",
    "Fatima",
    "Omar",
    "Hana",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Núñez",
    "O'Brien",
    "Nguyen",
    "Patel",
    "Kim",
    "Chen",
    "Okafor",
    "Müller",
    "D'Angelo",
    "van der Berg",
    "McAllister",
    "Østergaard",
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com")
# Area codes across US time zones; 555-0100..0199 numbers are reserved for fiction.
AREA_CODES = (
    "212",
    "305",
    "312",
    "404",
    "415",
    "469",
    "503",
    "602",
    "617",
    "702",
    "713",
    "720",
    "801",
    "813",
    "858",
    "904",
    "916",
    "971",
    "206",
    "303",
    "407",
    "512",
    "619",
    "704",
    "919",
)
SOURCES = ("Facebook Ads", "Google Ads", "Website form", "Referral", "Instagram", "Yelp")
SOURCE_COSTS = {"Facebook Ads": 180, "Google Ads": 320, "Instagram": 150, "Yelp": 90}

# Free-text lost reasons as coordinators type them, with the reason they mean.
LOST_REASONS = (
    ("Wants to wait until after the holidays", "timing"),
    ("not ready yet, maybe next year", "timing"),
    ("Too expensive", "price"),
    ("price - asked about financing", "price"),
    ("Insurance won't cover it", "price"),
    ("Went with another dentist", "competitor"),
    ("chose a clinic closer to home", "competitor"),
    ("Needs to think about it", "paralysis"),
    ("Needs to talk to spouse", "paralysis"),
    ("Moved out of state", "circumstances"),
    ("Lost job", "circumstances"),
    ("Never got a call back", "process_failure"),
    ("No show for consult, not rescheduled", "process_failure"),
    ("", "unknown"),
    ("", "unknown"),
)
STAGES = (("form", 45), ("info_request", 25), ("consultation", 20), ("treatment_plan", 10))
STATUSES = (
    ("stalled", 84),
    ("closed", 6),
    ("converted", 5),
    ("unreachable", 3),
    ("do_not_contact", 2),
)
COORDINATOR_NOTES = {
    "consultation": "Consultation held. {first} liked the plan but wanted time to think.",
    "treatment_plan": "Treatment plan sent: {treatment}, ${value:,.0f}. Awaiting decision.",
    "info_request": "Emailed pricing and before/after photos for {treatment}.",
}


@dataclass(frozen=True)
class Contact:
    kind: str  # "email" or "phone"
    value: str  # normalised
    raw: str  # as an export would have it
    extension: str = ""
    consent_granted: bool = False


@dataclass(frozen=True)
class SyntheticLead:
    external_id: str
    first_name: str
    last_name: str
    treatment: str
    stage: str
    status: str
    estimated_value: Decimal
    source: str
    acquisition_cost: Decimal | None
    lost_reason: str
    dormancy_reason: str
    inquired_at: datetime
    last_contact_at: datetime
    contacts: tuple[Contact, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in table], weights=[w for _, w in table])[0]


def _email(rng: random.Random, first: str, last: str, serial: int) -> Contact:
    local = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    local = local.encode("ascii", "ignore").decode() or "patient"
    value = f"{local}{serial}@{rng.choice(EMAIL_DOMAINS)}"
    # The ways addresses really arrive: shouting domains, stray spaces, capitalised names.
    raw = rng.choice((value, value.upper(), f"  {value} ", value.title(), f"{first} <{value}>"))
    return Contact("email", value, raw, consent_granted=rng.random() < 0.7)


def _phone(rng: random.Random) -> Contact:
    area = rng.choice(AREA_CODES)
    line = f"01{rng.randrange(100):02d}"
    value = f"+1{area}555{line}"
    shapes = (
        f"({area}) 555-{line}",
        f"{area}.555.{line}",
        f"+1 {area} 555 {line}",
        f"{area}555{line}",
        f"1-{area}-555-{line}",
    )
    extension = str(rng.randrange(10, 999)) if rng.random() < 0.03 else ""
    raw = rng.choice(shapes) + (f" x{extension}" if extension else "")
    return Contact("phone", value, raw, extension, consent_granted=rng.random() < 0.4)


def generate_leads(count: int, *, seed: int = 7, now: datetime) -> Iterator[SyntheticLead]:
    """Yield ``count`` leads spread over the three years before ``now``; same seed, same leads."""
    rng = random.Random(seed)
    for serial in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        treatment, typical, spread = rng.choice(DENTAL_TREATMENTS)
        value = Decimal(round(typical * rng.uniform(1 - spread, 1 + spread), -1))
        stage = _weighted(rng, STAGES)
        inquired = now - timedelta(days=rng.uniform(30, 3 * 365), minutes=rng.randrange(1440))
        # A stalled lead has heard nothing for at least two weeks.
        last_contact = min(
            now - timedelta(days=14), inquired + timedelta(days=rng.expovariate(1 / 20))
        )
        last_contact = max(last_contact, inquired)
        lost_reason, dormancy = rng.choice(LOST_REASONS)
        source = rng.choice(SOURCES)
        cost = SOURCE_COSTS.get(source)

        contacts: list[Contact] = []
        # Real lists are lopsided: some rows only have a phone, some only an email.
        shape = rng.random()
        if shape < 0.85:
            contacts.append(_email(rng, first, last, serial))
        if shape > 0.15:
            contacts.append(_phone(rng))
        note = COORDINATOR_NOTES.get(stage, "")
        yield SyntheticLead(
            external_id=f"DEMO-{serial:06d}",
            first_name=first,
            last_name=last,
            treatment=treatment,
            stage=stage,
            status=_weighted(rng, STATUSES),
            estimated_value=value,
            source=source,
            acquisition_cost=Decimal(cost) if cost else None,
            lost_reason=lost_reason,
            dormancy_reason=dormancy,
            inquired_at=inquired,
            last_contact_at=last_contact,
            contacts=tuple(contacts),
            notes=(note.format(first=first, treatment=treatment, value=value),) if note else (),
        )
