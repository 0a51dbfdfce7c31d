"""A new user's first minutes: the documented order of commands in an empty data home."""

import json
import os
import secrets
import subprocess

import pytest

from tests.test_console_script import command, reactivate


def test_the_sqlite_first_run_order_works_in_an_empty_home(tmp_path):
    # docs/operations.md, "A new installation": no migrate needed on the embedded database.
    created = reactivate(tmp_path, "practice", "create", "lakeside", "--name", "Lakeside")
    assert created.returncode == 0, created.stderr
    assert "Traceback" not in created.stderr
    assert "Preparing the database" in created.stderr
    export = tmp_path / "export.csv"
    export.write_text("First Name,Email\nAna,ana@example.com\n", encoding="utf-8")
    imported = reactivate(tmp_path, "import", str(export), "--practice", "lakeside", "--json")
    assert json.loads(imported.stdout)["created"] == 1, imported.stderr
    assessed = reactivate(tmp_path, "assess", "--practice", "lakeside", "--json")
    assert json.loads(assessed.stdout)["practice"] == "lakeside"
    text = tmp_path / "first-text.txt"
    text.write_text("Hi Ana, it's Sam at Lakeside. We spoke in May about a crown. Still keen? "
                    "No pressure. Reply STOP to opt out.", encoding="utf-8")  # fmt: skip
    linted = reactivate(tmp_path, "lint", str(text), "--practice", "lakeside", "--json")
    assert json.loads(linted.stdout)["verdict"] == "pass", linted.stderr
    argv, env = command(tmp_path, "createsuperuser", "--noinput", "--username", "admin",
                        "--email", "admin@example.com")  # fmt: skip
    env["DJANGO_SUPERUSER_PASSWORD"] = secrets.token_urlsafe(16)
    admin = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert admin.returncode == 0, admin.stderr


def test_every_product_command_on_an_empty_home_answers_without_a_traceback(tmp_path):
    for args in (
        ["practice", "list"],
        ["assess", "--practice", "none"],
        ["score", "--practice", "none"],
        ["lint", "--channel", "sms", "--practice", "none", __file__],
    ):
        home = tmp_path / args[0]
        result = reactivate(home, *args)
        assert "Traceback" not in result.stderr, (args, result.stderr)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL first run needs DATABASE_URL=postgres://… (CI sets it)",
)
def test_the_postgresql_first_run_says_what_to_run_then_works(tmp_path):
    import psycopg
    from django.conf import settings

    base = settings.DATABASES["default"]
    name = f"reactivate_fresh_{secrets.token_hex(4)}"
    dsn = dict(
        host=base["HOST"], port=base["PORT"] or 5432, user=base["USER"],
        password=base["PASSWORD"], dbname="postgres", autocommit=True,
    )  # fmt: skip
    with psycopg.connect(**dsn) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = (
            f"postgres://{base['USER']}:{base['PASSWORD']}@{base['HOST']}:"
            f"{base['PORT'] or 5432}/{name}"
        )

        def run(*args):
            argv, env = command(tmp_path, *args)
            env["DATABASE_URL"] = url
            return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=180)

        first = run("practice", "list")
        assert first.returncode == 1
        assert first.stderr.strip().splitlines() == [
            first.stderr.strip().splitlines()[-1]
        ]  # one line
        assert "run `reactivate migrate` first" in first.stderr
        assert run("migrate", "--verbosity", "0").returncode == 0
        created = run("practice", "create", "lakeside", "--name", "Lakeside")
        assert created.returncode == 0, created.stderr
    finally:
        with psycopg.connect(**dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
