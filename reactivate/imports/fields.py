"""What an import column can mean: the fields of a lead that a CRM export can fill."""

import polars as pl
from django.db import models


class Field(models.TextChoices):
    EXTERNAL_ID = "external_id", "CRM record id"
    FIRST_NAME = "first_name", "First name"
    LAST_NAME = "last_name", "Last name"
    FULL_NAME = "full_name", "Full name (one column)"
    EMAIL = "email", "Email"
    EMAIL_2 = "email_2", "Second email"
    PHONE = "phone", "Phone"
    MOBILE_PHONE = "mobile_phone", "Mobile phone"
    PHONE_2 = "phone_2", "Other phone"
    TREATMENT = "treatment", "Treatment of interest"
    STAGE = "stage", "Stage / lifecycle"
    STATUS = "status", "Lead status"
    ESTIMATED_VALUE = "estimated_value", "Estimated value"
    VALUE_FALLBACK = "value_fallback", "Value when the estimate is blank (e.g. total revenue)"
    SOURCE = "source", "Lead source"
    ACQUISITION_COST = "acquisition_cost", "Acquisition cost"
    LOST_REASON = "lost_reason", "Lost reason"
    INQUIRED_AT = "inquired_at", "Created / inquiry date"
    LAST_CONTACT_AT = "last_contact_at", "Last contact / activity date"
    STREET = "street", "Street address"
    CITY = "city", "City"
    STATE = "state", "State / region"
    POSTAL_CODE = "postal_code", "Postal code"
    COUNTRY = "country", "Country"
    EMAIL_OPT_OUT = "email_opt_out", "Email opt-out"
    CALL_OPT_OUT = "call_opt_out", "Do not call"
    SMS_OPT_OUT = "sms_opt_out", "SMS opt-out"
    DO_NOT_CONTACT = "do_not_contact", "Do not contact (any channel)"
    LANGUAGE = "preferred_language", "Preferred language"


PHONE_FIELDS = (Field.MOBILE_PHONE, Field.PHONE, Field.PHONE_2)  # mobile first: it takes texts
EMAIL_FIELDS = (Field.EMAIL, Field.EMAIL_2)
DATE_FIELDS = (Field.INQUIRED_AT, Field.LAST_CONTACT_AT)
AMOUNT_FIELDS = (Field.ESTIMATED_VALUE, Field.VALUE_FALLBACK, Field.ACQUISITION_COST)
FLAG_FIELDS = (Field.EMAIL_OPT_OUT, Field.CALL_OPT_OUT, Field.SMS_OPT_OUT, Field.DO_NOT_CONTACT)


def mailable() -> pl.Expr:
    """A postal address a letter can go to: a street line, and a city or postal code to
    find it by. A city and postal code alone are a place, not an address."""
    street = pl.col(Field.STREET.value)
    return street.is_not_null() & (
        pl.col(Field.CITY.value).is_not_null() | pl.col(Field.POSTAL_CODE.value).is_not_null()
    )


def partial_address() -> pl.Expr:
    """Some address parts, but not enough for a letter."""
    parts = [pl.col(f.value).is_not_null() for f in (Field.STREET, Field.CITY, Field.POSTAL_CODE)]
    return pl.any_horizontal(parts) & ~mailable()
