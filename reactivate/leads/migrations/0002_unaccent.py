from django.db import migrations


def create_unaccent(apps, schema_editor):
    # PostgreSQL folds accents for lead search with unaccent (a trusted extension since PG 13,
    # so the database owner may create it); SQLite gets a Python function per connection.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
