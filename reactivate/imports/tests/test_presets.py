"""Every preset against the CRMs' real export header rows (fixtures/crm_export_headers.json,
copied from the shared data folder so the tests run on a clean clone)."""

import json
from pathlib import Path

import pytest

from reactivate.imports.mapping import detect_mapping
from reactivate.imports.tests.helpers import run_import, write_csv
from reactivate.leads.models import Lead
from reactivate.testing import BaseTestCase

HEADERS_FILE = Path(__file__).parent / "fixtures" / "crm_export_headers.json"


def real_headers() -> dict:
    return json.loads(HEADERS_FILE.read_text(encoding="utf-8"))


# name in the headers file → (preset, {header: field} that must be detected)
EXPECTED = {
    "hubspot_contacts_default_view_export": (
        "hubspot",
        {
            "Record ID": "external_id",
            "First Name": "first_name",
            "Email": "email",
            "Phone Number": "phone",
            "Lead Status": "status",
            "Create Date": "inquired_at",
            "Last Activity Date": "last_contact_at",
        },
    ),
    "hubspot_contacts_all_properties_export_subset": (
        "hubspot",
        {
            "Mobile Phone Number": "mobile_phone",
            "Lifecycle Stage": "stage",
            "Original Source": "source",
            "Unsubscribed from all email": "email_opt_out",
            "Postal Code": "postal_code",
        },
    ),
    "hubspot_internal_property_names": (
        "hubspot",
        {
            "hs_object_id": "external_id",
            "firstname": "first_name",
            "mobilephone": "mobile_phone",
            "hs_lead_status": "status",
            "notes_last_contacted": "last_contact_at",
        },
    ),
    "salesforce_lead_api_fields": (
        "salesforce",
        {
            "Id": "external_id",
            "FirstName": "first_name",
            "LastName": "last_name",
            "MobilePhone": "mobile_phone",
            "LeadSource": "source",
            "Status": "status",
            "HasOptedOutOfEmail": "email_opt_out",
            "DoNotCall": "call_opt_out",
            "LastActivityDate": "last_contact_at",
        },
    ),
    "zoho_crm_leads_api_fields": (
        "zoho",
        {
            "id": "external_id",
            "First_Name": "first_name",
            "Mobile": "mobile_phone",
            "Lead_Status": "status",
            "Email_Opt_Out": "email_opt_out",
            "Last_Activity_Time": "last_contact_at",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_crm_header_row_maps_to_its_preset(name):
    headers = real_headers()[name]
    preset, expected = EXPECTED[name]
    mapping = detect_mapping(headers)
    assert mapping.preset == preset
    assert {h: f for h, f in mapping.as_json().items() if h in expected} == expected


# The money each CRM really exports, and the field it must fill (item: values that vanish).
VALUE_COLUMNS = {
    ("hubspot", "hubspot_contact_value_columns"): {
        "Recent Deal Amount": "estimated_value",
        "Total Revenue": "value_fallback",
    },
    ("salesforce", "salesforce_opportunity_value_columns"): {
        "Amount": "estimated_value",
        "StageName": "stage",
    },
    ("gohighlevel", "gohighlevel_opportunity_export_headers"): {
        "Lead Value": "estimated_value",
        "lost reason name": "lost_reason",
        "stage": "stage",
        "status": "status",
    },
    ("zoho", "zoho_crm_deals_value_columns"): {
        "Amount": "estimated_value",
        "Reason For Loss": "lost_reason",
        "Stage": "stage",
    },
    ("pipedrive", "pipedrive_deal_value_columns"): {
        "Deal - Value": "estimated_value",
        "Deal - Lost reason": "lost_reason",
    },
}


@pytest.mark.parametrize(("preset", "name"), sorted(VALUE_COLUMNS))
def test_every_preset_maps_the_money_its_crm_exports(preset, name):
    headers = real_headers()[name]
    mapping = detect_mapping(headers, preset)
    expected = VALUE_COLUMNS[(preset, name)]
    assert {h: f for h, f in mapping.as_json().items() if h in expected} == expected


@pytest.mark.parametrize("index", [0, 1])
def test_gohighlevel_header_rows_map(index):
    headers = real_headers()["gohighlevel_contacts_export_observed_headers"][index]
    mapping = detect_mapping(headers)
    assert mapping.preset == "gohighlevel"
    assert mapping.as_json()["Contact Id"] == "external_id"
    assert mapping.as_json()["Phone"] == "phone"


def test_salesforce_full_name_column_is_kept_aside_when_first_and_last_exist():
    mapping = detect_mapping(real_headers()["salesforce_lead_api_fields"])
    assert mapping.as_json()["Name"] is None


PIPEDRIVE = [
    "Person - ID",
    "Person - Name",
    "Person - Email",
    "Person - Phone",
    "Deal - Title",
    "Deal - Value",
    "Deal - Stage",
    "Deal - Lost reason",
    "Person - Last activity date",
    "Organization - Name",
]


class PresetImportTests(BaseTestCase):
    def test_hubspot_deal_amounts_become_the_leads_value(self):
        headers = real_headers()["hubspot_contacts_all_properties_export_subset"] + [
            "Recent Deal Amount",
            "Total Revenue",
        ]
        rows = [
            {"Record ID": "1", "Email": "a@example.com", "Recent Deal Amount": "4,800.00"},
            {"Record ID": "2", "Email": "b@example.com", "Total Revenue": "2500"},
            {"Record ID": "3", "Email": "c@example.com",
             "Recent Deal Amount": "6000", "Total Revenue": "9000"},
        ]  # fmt: skip
        run_import(write_csv([headers, *([r.get(h, "") for h in headers] for r in rows)]))
        values = dict(
            Lead.objects.filter(practice=self.north, external_id__in=["1", "2", "3"]).values_list(
                "external_id", "estimated_value"
            )
        )
        self.assertEqual({k: int(v) for k, v in values.items()}, {"1": 4800, "2": 2500, "3": 6000})

    def test_a_hubspot_export_imports_with_its_own_values(self):
        headers = real_headers()["hubspot_contacts_default_view_export"]
        row = {
            "Record ID": "5101",
            "First Name": "Gia",
            "Last Name": "Rossi",
            "Email": "gia@example.com",
            "Phone Number": "+13124567300",
            "Lead Status": "BAD_TIMING",
            "Create Date": "2025-02-03 10:00",
            "Last Activity Date": "1740000000000",
            "Contact owner": "Nora",
        }
        counts, _ = run_import(write_csv([headers, [row.get(h, "") for h in headers]]))
        self.assertEqual(counts["created"], 1)
        lead = Lead.objects.get(external_id="5101")
        self.assertEqual((lead.status, lead.dormancy_reason), ("stalled", "timing"))
        self.assertEqual(lead.custom_fields["Contact owner"], "Nora")

    def test_a_gohighlevel_export_imports(self):
        headers = real_headers()["gohighlevel_contacts_export_observed_headers"][0]
        row = {
            "Contact Id": "ghl-9",
            "First Name": "Ivy",
            "Last Name": "Chen",
            "Phone": "+525540432914",
            "Email": "ivy@example.com",
            "Created": "2026-06-08T10:28:39-07:00",
            "Last Activity": "Jul 22 2026 02:09 PM",
            "Tags": "implants, financing",
            "Country": "MX",
        }
        run_import(write_csv([headers, [row.get(h, "") for h in headers]]))
        lead = Lead.objects.get(external_id="ghl-9")
        self.assertEqual(lead.inquired_at.isoformat(), "2026-06-08T17:28:39+00:00")
        self.assertEqual(lead.custom_fields["Tags"], "implants, financing")
        self.assertTrue(lead.contact_points.filter(value="+525540432914").exists())

    def test_a_salesforce_export_imports(self):
        headers = real_headers()["salesforce_lead_api_fields"]
        row = {
            "Id": "00Q5e00000ABCDe",
            "FirstName": "Omar",
            "LastName": "Haddad",
            "Email": "omar@example.com",
            "Status": "Closed - Not Converted",
            "DoNotCall": "true",
            "Phone": "(312) 456-7301",
            "CreatedDate": "2024-11-02",
        }
        run_import(write_csv([headers, [row.get(h, "") for h in headers]]))
        lead = Lead.objects.get(external_id="00Q5e00000ABCDe")
        # "Do not call" is an opt-out, and an opt-out on one channel stops every channel.
        self.assertEqual(lead.status, "do_not_contact")
        phone = lead.contact_points.get(kind="phone")
        self.assertEqual(phone.consents.get(channel="call").status, "revoked")

    def test_a_zoho_export_imports(self):
        headers = real_headers()["zoho_crm_leads_api_fields"]
        row = {
            "id": "z-1",
            "First_Name": "Lena",
            "Last_Name": "Berg",
            "Mobile": "3124567302",
            "Lead_Status": "Contact in Future",
            "Email_Opt_Out": "false",
            "Created_Time": "2025-03-04T09:00:00+01:00",
        }
        run_import(write_csv([headers, [row.get(h, "") for h in headers]]))
        lead = Lead.objects.get(external_id="z-1")
        self.assertEqual(lead.contact_points.get().line_type, "mobile")

    def test_a_pipedrive_export_splits_the_single_name_column(self):
        row = [
            "77",
            "Dr. Ana María de la Cruz",
            "ana@example.com",
            "312-456-7303",
            "Invisalign",
            "5,500",
            "Treatment plan sent",
            "Needs to talk to husband",
            "2025-05-06",
            "Acme",
        ]
        counts, _ = run_import(write_csv([PIPEDRIVE, row]))
        self.assertEqual(counts["created"], 1)
        lead = Lead.objects.get(external_id="77")
        self.assertEqual((lead.first_name, lead.last_name), ("Ana María", "de la Cruz"))
        self.assertEqual((lead.treatment, lead.stage), ("Invisalign", "treatment_plan"))
        self.assertEqual(lead.dormancy_reason, "paralysis")
        self.assertEqual(str(lead.estimated_value), "5500.00")
