"""The unsubscribe link every email carries: a signed token, no login, one click.

RFC 8058: the link also answers ``POST List-Unsubscribe=One-Click`` with no cookies, and the
opt-out takes effect at once (STANDARDS.md: CAN-SPAM, Gmail and Yahoo bulk-sender rules).
The token names the practice and the lead; it is signed with the site's secret key, so it
cannot be forged or pointed at another lead.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.views.decorators.csrf import csrf_exempt

from reactivate.leads.choices import Channel
from reactivate.leads.models import Lead
from reactivate.leads.optout import opt_out

SALT = "reactivate.unsubscribe"


def unsubscribe_token(lead: Lead) -> str:
    # "practice-lead" and its HMAC: the engine signs one for every email it sends, and this
    # costs a fraction of signing.dumps' JSON and compression.
    return _signer(settings.SECRET_KEY).sign(f"{lead.practice_id}-{lead.pk}")


@lru_cache(maxsize=2)
def _signer(secret: str) -> signing.Signer:
    return signing.Signer(key=secret, salt=SALT)


def unsubscribe_url(lead: Lead) -> str:
    head, tail = _unsubscribe_path(get_script_prefix(), settings.ROOT_URLCONF)
    return settings.SITE_URL + head + unsubscribe_token(lead) + tail


@lru_cache(maxsize=8)
def _unsubscribe_path(script_prefix: str, urlconf: str) -> tuple[str, str]:
    """The link's path around its token: reverse() walks the URL table on every call, and the
    engine writes a link into every email it sends. Signed tokens hold only URL-safe
    characters, so they go in unquoted, as reverse() would leave them."""
    path = reverse("unsubscribe", args=["TOKEN"])
    head, tail = path.split("TOKEN")
    return head, tail


def _lead(token: str) -> Lead:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        practice_id, _, lead_id = value.partition("-")
        if not (practice_id.isdigit() and lead_id.isdigit()):
            # Links from the first release carry signing.dumps({"p": …, "l": …}).
            data = signing.loads(token, salt=SALT)
            practice_id, lead_id = data["p"], data["l"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise Http404("This unsubscribe link is not valid.") from exc
    lead = (
        Lead.objects.select_related("practice").filter(pk=lead_id, practice_id=practice_id).first()
    )
    if lead is None:
        raise Http404("This unsubscribe link is not valid.")
    return lead


@csrf_exempt  # RFC 8058: the one-click POST carries no cookies and no form token.
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    lead = _lead(token)
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        # An opt-out by email stops the person everywhere (DESIGN rule 2).
        opt_out(
            lead=lead,
            channel=Channel.EMAIL,
            source="one-click unsubscribe" if one_click else "unsubscribe page",
            evidence=f"unsubscribe link, from {request.META.get('REMOTE_ADDR', 'unknown')}",
        )
        return render(request, "messaging/unsubscribed.html", {"practice": lead.practice})
    return render(
        request, "messaging/unsubscribe.html", {"practice": lead.practice, "token": token}
    )
