"""Rewrite datetimes earlier imports stored as "… 10:00:00.000000" the way Django writes them.

Django keeps a SQLite datetime as the text of ``str(datetime)``, which has no fraction on a
whole second; imports before this migration always wrote six zeros, so an exact filter on such
a date found nothing. PostgreSQL stores timestamps natively and needs nothing.
"""

from django.db import migrations

COLUMNS = {
    "leads_lead": ("inquired_at", "last_contact_at", "next_eligible_at", "created_at", "updated_at"),
    "leads_contactpoint": ("created_at",),
    "leads_interaction": ("occurred_at", "created_at"),
}


def strip_zero_fractions(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, columns in COLUMNS.items():
            for column in columns:
                cursor.execute(
                    f'UPDATE "{table}" SET "{column}" = substr("{column}", 1, 19) '
                    f"WHERE \"{column}\" LIKE '%.000000'"
                )


class Migration(migrations.Migration):
    dependencies = [("leads", "0004_scores")]

    operations = [migrations.RunPython(strip_zero_fractions, migrations.RunPython.noop)]
