"""Which consent each channel needs before a reactivation message may use it.

Reactivation messages for elective treatments are marketing (STANDARDS.md): texts need prior
express written consent on record; email (CAN-SPAM), letters and calls placed by a person are
opt-out channels, usable until the lead revokes them. The product never autodials, which is
what would bring calls under the express-consent rule.
"""

from __future__ import annotations

from reactivate.leads.choices import Channel, ConsentStatus, ContactKind, Validity

EXPRESS_CONSENT_CHANNELS = frozenset({Channel.SMS})

# Validity values that may still be tried; invalid, bounced and disconnected may not.
USABLE_VALIDITY = (Validity.VALID, Validity.UNKNOWN)


def channel_permitted(channel: Channel | str, consent: ConsentStatus | str | None) -> bool:
    """Whether a contact point whose consent for ``channel`` is ``consent`` may be used."""
    status = ConsentStatus(consent or ConsentStatus.UNKNOWN)
    if status == ConsentStatus.REVOKED:
        return False
    return status == ConsentStatus.GRANTED or Channel(channel) not in EXPRESS_CONSENT_CHANNELS


# The kind of contact point each channel travels on.
KIND_FOR_CHANNEL = {
    Channel.EMAIL: ContactKind.EMAIL,
    Channel.SMS: ContactKind.PHONE,
    Channel.CALL: ContactKind.PHONE,
    Channel.LETTER: ContactKind.ADDRESS,
}
