"""Each lead's reach: which channels can carry a message to it, as one integer of bits.

Segments filter on reachable channels and consent, and the assessment counts data quality,
over a million leads in well under a second. Asking the contact point, consent and
suppression tables for every lead at query time cannot do that, so one set-based pass
(``reach_frame``, written by segments.scoring) condenses them into ``Lead.reach`` after
imports and after anything that changes a contact point, consent or suppression.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl
from django.db import connection

from reactivate.leads.choices import Channel, ConsentStatus, ContactKind, LineType
from reactivate.leads.consent import EXPRESS_CONSENT_CHANNELS, KIND_FOR_CHANNEL, USABLE_VALIDITY
from reactivate.tenancy.models import Practice

CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.CALL, Channel.LETTER)
# A message may go out on the channel: usable validity, not suppressed, consent as needed.
CAN = {channel: 1 << i for i, channel in enumerate(CHANNELS)}
# Data quality, whatever the consent: a valid email, a number that takes texts, any valid
# number, a postal address.
VALID_EMAIL = 1 << 4
TEXTABLE_PHONE = 1 << 5
VALID_PHONE = 1 << 6
POSTAL_ADDRESS = 1 << 7
# Express consent on record for the channel.
GRANTED = {channel: 1 << (8 + i) for i, channel in enumerate(CHANNELS)}
ANY_CHANNEL = sum(CAN.values())


def _quoted(values: Iterable[str]) -> str:
    # Our own closed vocabularies (TextChoices), never user input.
    return ", ".join(f"'{v}'" for v in values)


def _reach_sql() -> str:
    usable = f"cp.validity IN ({_quoted(USABLE_VALIDITY)})"
    not_landline = f"cp.line_type <> '{LineType.LANDLINE}'"
    terms = []
    for channel in CHANNELS:
        kind = KIND_FOR_CHANNEL[channel]
        consent = f"c_{channel}.status"
        permitted = (
            f"{consent} = '{ConsentStatus.GRANTED}'"
            if channel in EXPRESS_CONSENT_CHANNELS
            else f"COALESCE({consent}, '') <> '{ConsentStatus.REVOKED}'"
        )
        textable = f" AND {not_landline}" if channel == Channel.SMS else ""
        terms.append(
            f"{CAN[channel]} * MAX(CASE WHEN cp.kind = '{kind}' AND {usable} AND s.id IS NULL"
            f"{textable} AND {permitted} THEN 1 ELSE 0 END)"
        )
        terms.append(
            f"{GRANTED[channel]} * MAX(CASE WHEN cp.kind = '{kind}' "
            f"AND {consent} = '{ConsentStatus.GRANTED}' THEN 1 ELSE 0 END)"
        )
    quality = (
        (VALID_EMAIL, f"cp.kind = '{ContactKind.EMAIL}' AND {usable}"),
        (TEXTABLE_PHONE, f"cp.kind = '{ContactKind.PHONE}' AND {usable} AND {not_landline}"),
        (VALID_PHONE, f"cp.kind = '{ContactKind.PHONE}' AND {usable}"),
        (POSTAL_ADDRESS, f"cp.kind = '{ContactKind.ADDRESS}' AND {usable}"),
    )
    terms += [f"{bit} * MAX(CASE WHEN {cond} THEN 1 ELSE 0 END)" for bit, cond in quality]
    joins = "".join(
        f" LEFT JOIN leads_consent c_{channel} ON c_{channel}.contact_point_id = cp.id"
        f" AND c_{channel}.channel = '{channel}'"
        for channel in CHANNELS
    )
    return (
        f"SELECT cp.lead_id AS lead_id, {' + '.join(terms)} AS reach "
        "FROM leads_contactpoint cp"
        " LEFT JOIN leads_suppression s ON s.practice_id = cp.practice_id"
        " AND s.kind = cp.kind AND s.value = cp.value"
        f"{joins} WHERE cp.practice_id = %s{{lead_filter}} GROUP BY cp.lead_id"
    )


def reach_frame(practice: Practice, lead_ids: Iterable[int] | None = None) -> pl.DataFrame:
    """``lead_id, reach`` for every lead of the practice that has a contact point (or only
    ``lead_ids``); leads without one have no row and reach nothing."""
    params: list = [practice.pk]
    point_filter = ""
    if lead_ids is not None:
        ids = [int(i) for i in lead_ids]
        if not ids:
            return pl.DataFrame(schema={"lead_id": pl.Int64, "reach": pl.Int64})
        # Integers we converted ourselves; a literal list keeps both databases on one plan.
        point_filter = f" AND cp.lead_id IN ({', '.join(str(i) for i in ids)})"
    with connection.cursor() as cursor:
        cursor.execute(_reach_sql().format(lead_filter=point_filter), params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema={"lead_id": pl.Int64, "reach": pl.Int64}, orient="row")
