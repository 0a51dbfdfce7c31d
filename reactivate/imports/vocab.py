"""CRM words mapped to ours: stages, statuses, lost reasons, yes/no flags, nicknames.

Pure tables and functions, applied to distinct values only (a column holds few of them).
"""

from __future__ import annotations

import re
import unicodedata

from reactivate.leads.choices import DormancyReason as R
from reactivate.leads.choices import LeadStatus as S
from reactivate.leads.choices import Stage

# Exact values from the CRMs' own picklists, squeezed (lower-case, letters and digits only).
STAGE_VALUES: dict[str, Stage] = {
    # HubSpot lifecycle stages
    "subscriber": Stage.FORM,
    "lead": Stage.FORM,
    "marketingqualifiedlead": Stage.INFO_REQUEST,
    "salesqualifiedlead": Stage.CONSULTATION,
    "opportunity": Stage.TREATMENT_PLAN,
    "customer": Stage.TREATMENT_PLAN,
    "evangelist": Stage.TREATMENT_PLAN,
    "mql": Stage.INFO_REQUEST,
    "sql": Stage.CONSULTATION,
}
# Otherwise, words inside the value, most advanced first.
STAGE_WORDS: tuple[tuple[str, Stage], ...] = (
    (
        r"treatment\s*plan|tx\s*plan|plan (sent|presented|given)|quote|proposal|estimate|"
        r"presupuesto|negotiat",
        Stage.TREATMENT_PLAN,
    ),
    (r"consult|exam|appointment|visit|seen|no[\s-]?show|cita", Stage.CONSULTATION),
    (r"info|inquir|enquir|question|contacted|call(ed)? back|pricing|brochure", Stage.INFO_REQUEST),
    (r"form|new|web|lead|download|subscriber|opt[\s-]?in", Stage.FORM),
)

STATUS_VALUES: dict[str, S] = {
    # HubSpot hs_lead_status
    "new": S.STALLED,
    "open": S.STALLED,
    "inprogress": S.ACTIVE,
    "opendeal": S.ACTIVE,
    "unqualified": S.CLOSED,
    "attemptedtocontact": S.STALLED,
    "connected": S.ACTIVE,
    "badtiming": S.STALLED,
    # Salesforce default picklist
    "opennotcontacted": S.STALLED,
    "workingcontacted": S.ACTIVE,
    "closedconverted": S.CONVERTED,
    "closednotconverted": S.CLOSED,
    # Zoho
    "attemptedtocontact2": S.STALLED,
    "contactinfuture": S.STALLED,
    "contacted": S.STALLED,
    "junklead": S.CLOSED,
    "lostlead": S.STALLED,
    "notcontacted": S.STALLED,
    "prequalified": S.ACTIVE,
    "notqualified": S.CLOSED,
    # Pipedrive deal status
    "won": S.CONVERTED,
    "lost": S.STALLED,
    "deleted": S.CLOSED,
    # HubSpot lifecycle "customer" also arrives as a status
    "customer": S.CONVERTED,
}
# How far a lead got, as its CRM status tells it: an export without a lifecycle column (HubSpot's
# default view) still says who was spoken to and who had a deal open.
STATUS_STAGES: dict[str, Stage] = {
    # HubSpot hs_lead_status
    "inprogress": Stage.INFO_REQUEST,
    "connected": Stage.INFO_REQUEST,
    "badtiming": Stage.INFO_REQUEST,
    "opendeal": Stage.TREATMENT_PLAN,
    # Salesforce
    "workingcontacted": Stage.INFO_REQUEST,
    "closedconverted": Stage.CONSULTATION,
    # Zoho
    "contacted": Stage.INFO_REQUEST,
    "contactinfuture": Stage.INFO_REQUEST,
    "prequalified": Stage.CONSULTATION,
    # Pipedrive deal status
    "won": Stage.TREATMENT_PLAN,
    "lost": Stage.TREATMENT_PLAN,
}
STATUS_STAGE_WORDS: tuple[tuple[str, Stage], ...] = (
    (r"deal|quote|proposal|treatment plan|negotiat", Stage.TREATMENT_PLAN),
    (r"consult|appointment|exam|visit|no[\s-]?show", Stage.CONSULTATION),
    (r"connected|contacted|spoke|talked|in progress|working|qualified", Stage.INFO_REQUEST),
)

STATUS_WORDS: tuple[tuple[str, S], ...] = (
    (r"do not contact|dnc|opt(ed)?[\s-]?out|unsubscrib", S.DO_NOT_CONTACT),
    (r"convert|won|booked|patient|customer|closed won|started treatment", S.CONVERTED),
    (r"schedul|appointment set", S.SCHEDULED),
    (r"junk|spam|fake|duplicate|not qualified|unqualified|wrong number|invalid", S.CLOSED),
    (r"unreachable|bad number|disconnected|bounced", S.UNREACHABLE),
    (r"working|in progress|active|engaged", S.ACTIVE),
)

# Lost reasons, as coordinators type them, to the seed's dormancy reasons.
REASON_WORDS: tuple[tuple[str, R], ...] = (
    (
        r"competitor|another (dentist|doctor|clinic|office|practice|provider)|"
        r"went (with|elsewhere)|chose (a|an|another|other)|closer to home|other office|elsewhere",
        R.COMPETITOR,
    ),
    (r"price|expens|cost|afford|budget|financ|insurance|money|too much|cheaper|payment", R.PRICE),
    (
        r"think|spouse|husband|wife|partner|unsure|undecided|not sure|nervous|scared|afraid|"
        r"fear|overwhelm|decide|research",
        R.PARALYSIS,
    ),
    (
        r"moved|relocat|job|pregnan|sick|illness|health|divorce|passed away|family|surgery|"
        r"circumstanc|out of (state|town|country)",
        R.CIRCUMSTANCES,
    ),
    (
        r"never (got|received|heard)|no (call|response) from us|didn.t (call|follow)|"
        r"forgot to|dropped|no[\s-]?show|missed|not rescheduled|slow|rude|pushy|wait(ed|ing) too",
        R.PROCESS_FAILURE,
    ),
    (
        r"timing|not (ready|now)|later|next (year|month|spring|summer|fall|winter)|after the|"
        r"holiday|wait|busy|bad timing|future|someday|few months",
        R.TIMING,
    ),
)

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "t", "optedout", "unsubscribed", "dnd", "on"})

# Common English nicknames → the formal first name, for spotting the same person twice.
NICKNAMES = {
    "bob": "robert",
    "rob": "robert",
    "robbie": "robert",
    "bobby": "robert",
    "bill": "william",
    "will": "william",
    "billy": "william",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "lizzie": "elizabeth",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "mikey": "michael",
    "kate": "katherine",
    "katie": "katherine",
    "kathy": "katherine",
    "cathy": "catherine",
    "tom": "thomas",
    "tommy": "thomas",
    "dick": "richard",
    "rick": "richard",
    "rich": "richard",
    "joe": "joseph",
    "joey": "joseph",
    "dave": "david",
    "chris": "christopher",
    "dan": "daniel",
    "danny": "daniel",
    "matt": "matthew",
    "tony": "anthony",
    "steve": "steven",
    "sue": "susan",
    "suzy": "susan",
    "jen": "jennifer",
    "jenny": "jennifer",
    "pat": "patricia",
    "patty": "patricia",
    "peggy": "margaret",
    "maggie": "margaret",
    "meg": "margaret",
    "nick": "nicholas",
    "sam": "samuel",
    "alex": "alexander",
    "andy": "andrew",
    "drew": "andrew",
    "ed": "edward",
    "eddie": "edward",
    "ted": "edward",
    "greg": "gregory",
    "jeff": "jeffrey",
    "jon": "jonathan",
    "ken": "kenneth",
    "larry": "lawrence",
    "ron": "ronald",
    "tim": "timothy",
    "vicky": "victoria",
    "abby": "abigail",
    "becky": "rebecca",
    "debbie": "deborah",
    "jess": "jessica",
    "mandy": "amanda",
    "pepe": "jose",
    "paco": "francisco",
    "lupe": "guadalupe",
}


def squeeze(text: str) -> str:
    """Lower-case letters and digits only, accents folded: "Núñez-Díaz" → "nunezdiaz"."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if ch.isalnum())


def map_stage(value: str) -> Stage | None:
    exact = STAGE_VALUES.get(squeeze(value))
    if exact:
        return exact
    return _first_match(value, STAGE_WORDS)


def map_status(value: str) -> S | None:
    exact = STATUS_VALUES.get(squeeze(value))
    if exact:
        return exact
    return _first_match(value, STATUS_WORDS)


def stage_from_status(value: str) -> Stage | None:
    exact = STATUS_STAGES.get(squeeze(value))
    if exact:
        return exact
    if squeeze(value) in ("unqualified", "notqualified"):
        return None  # "qualified" inside "unqualified" says nothing about progress
    return _first_match(value, STATUS_STAGE_WORDS)


def map_reason(text: str) -> R:
    return _first_match(text, REASON_WORDS) or R.UNKNOWN


def is_true(value: str) -> bool:
    return squeeze(value) in TRUE_WORDS


def canonical_first_name(name: str) -> str:
    key = squeeze(name)
    return NICKNAMES.get(key, key)


def _first_match(text: str, table: tuple) -> object | None:
    lowered = text.lower()
    for pattern, result in table:
        if re.search(pattern, lowered):
            return result
    return None
