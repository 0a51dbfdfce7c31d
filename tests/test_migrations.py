"""Moving code between packages must not move or lose a table."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from reactivate.imports.models import ImportBatch


class MigrationTests(TestCase):
    def test_the_models_and_the_migrations_agree(self):
        # A model change without its migration (or a package move that renamed an app label)
        # would make this command write a migration.
        out = StringIO()
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
        self.assertIn("No changes detected", out.getvalue())

    def test_the_import_app_kept_its_label_and_table(self):
        # The app moved from reactivate/leads/imports to reactivate/imports; its label, and so
        # its table and migration history, stayed, so an upgraded database keeps every batch.
        self.assertEqual(ImportBatch._meta.app_label, "imports")
        self.assertEqual(ImportBatch._meta.db_table, "imports_importbatch")
        self.assertEqual(ImportBatch.__module__, "reactivate.imports.models")
