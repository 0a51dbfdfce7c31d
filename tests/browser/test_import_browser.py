"""A manager brings in a CRM export through the browser: upload, map, preview, import, report."""

import pytest

from reactivate.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORT = (
    "Record ID,First Name,Last Name,Email,Phone Number,Lifecycle Stage,Notes\r\n"
    '1,Ana,Ruiz,ana@example.com,(312) 456-7501,opportunity,"asked about\r\nfinancing"\r\n'
    "2,Ben,Ode,not-an-email,,lead,\r\n"
    "3,ANA,RUIZ,ANA@EXAMPLE.COM,,lead,\r\n"
)


@pytest.fixture
def manager(live_server):
    from reactivate.tenancy.choices import Role
    from reactivate.tenancy.models import Membership
    from reactivate.tenancy.services import practice_create
    from reactivate.testing import make_user

    practice = practice_create(
        slug="lakeside", name="Lakeside Implants", timezone="America/Chicago"
    )
    user = make_user("mara")
    Membership.objects.create(user=user, practice=practice, role=Role.MANAGER)
    return live_server.url


def test_an_export_is_uploaded_mapped_and_imported(page, manager, tmp_path):
    export = tmp_path / "hubspot.csv"
    export.write_text(EXPORT, encoding="utf-8")
    page.goto(manager + "/login/")
    page.fill("#id_username", "mara")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.click("nav >> text=Import")
    page.set_input_files("#id_file", str(export))
    page.click("text=Upload and map columns")
    page.wait_for_selector("text=recognised as a Hubspot export")
    assert page.locator("table.preview tbody tr").count() == 3
    preview = page.locator("table.preview").inner_text()
    assert "Rejected: no usable email, phone or address" in preview
    page.click("text=Import 3 rows")
    page.wait_for_selector("text=Import finished")
    figures = page.locator(".stat .figure").all_inner_texts()
    assert figures == ["3", "1", "0", "1", "1", "0"]
    with page.expect_download() as download:
        page.click("text=Download the report")
    with open(download.value.path(), encoding="utf-8") as report:
        lines = report.read().splitlines()
    assert lines[0] == "row,outcome,reason,lead_id,flag"
    assert [line.split(",")[1] for line in lines[1:]] == ["created", "rejected", "merged"]
