"""The Leads page sorted by priority, first page from an index rather than a sort of every
lead. Written per database: PostgreSQL sorts NULLs first in a descending index unless told,
and SQLite's CREATE INDEX takes no NULLS clause (its descending order already puts NULLs
last), so the index cannot be one Meta.indexes entry for both."""

from django.db import migrations

SQL = {
    "postgresql": 'CREATE INDEX "lead_priority" ON "leads_lead" '
    '("practice_id", "priority" DESC NULLS LAST, "id" DESC)',
    "sqlite": 'CREATE INDEX "lead_priority" ON "leads_lead" '
    '("practice_id", "priority" DESC, "id" DESC)',
}


def create(apps, schema_editor):
    sql = SQL.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in SQL:
        schema_editor.execute('DROP INDEX IF EXISTS "lead_priority"')


class Migration(migrations.Migration):
    dependencies = [("leads", "0008_search_keys")]

    operations = [migrations.RunPython(create, drop)]
