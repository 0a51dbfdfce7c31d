"""A print batch as a print-ready PDF (WeasyPrint) and as a CSV for a mail house.

One letter per page on US Letter, the recipient's address placed for the window of a US #10
envelope when the page is folded in three: 2 inches from the top edge and 7/8 inch from the
left, within a 4 x 1 1/8 inch window.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from reactivate.channels.models import PrintBatch

US_ADDRESS = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+),\s*(?P<state>[A-Za-z]{2})\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$"
)
CSV_FIELDS = ["letter_id", "lead_id", "name", "street", "city", "state", "postal_code",
              "address"]  # fmt: skip


@dataclass
class Address:
    street: str
    city: str = ""
    state: str = ""
    postal_code: str = ""

    @property
    def lines(self) -> list[str]:
        last = f"{self.city}, {self.state} {self.postal_code}".strip(", ")
        return [self.street] + ([last] if self.city else [])


def split_address(one_line: str) -> Address:
    """ "200 Lake St, Chicago, IL 60601" → its parts; anything else stays whole."""
    match = US_ADDRESS.match(one_line.strip())
    if match is None:
        return Address(one_line.strip())
    return Address(match["street"], match["city"], match["state"].upper(), match["zip"])


def batch_pdf(batch: PrintBatch) -> bytes:
    practice = batch.practice
    letters = [
        {"letter": letter, "address": split_address(letter.address)}
        for letter in batch.letters.order_by("id")
    ]
    html = render_to_string(
        "channels/letter/batch.html",
        {"practice": practice, "letters": letters, "today": timezone.localdate(),
         "return_address": split_address(practice.postal_address or "")},
    )  # fmt: skip
    return HTML(string=html).write_pdf()


def batch_csv(batch: PrintBatch) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for letter in batch.letters.order_by("id"):
        parts = split_address(letter.address)
        writer.writerow({
            "letter_id": letter.pk, "lead_id": letter.lead_id, "name": letter.name,
            "street": parts.street, "city": parts.city, "state": parts.state,
            "postal_code": parts.postal_code, "address": letter.address,
        })  # fmt: skip
    return out.getvalue()
