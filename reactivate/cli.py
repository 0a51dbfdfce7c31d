"""`reactivate <command>`: one entry point that forwards to Django's management commands."""

from __future__ import annotations

import os
import sys

# Commands that manage or inspect the schema themselves, or need no database at all.
NO_DATABASE = frozenset(
    {"help", "--help", "-h", "version", "--version", "migrate", "makemigrations",
     "showmigrations", "sqlmigrate", "squashmigrations", "check", "lint", "collectstatic", "lift"}
)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import execute_from_command_line

    # `lint` needs the database only to look up the practice it is asked to lint for.
    needs_database = args and (
        args[0] not in NO_DATABASE
        or (args[0] == "lint" and any(a.startswith("--practice") for a in args))
    )
    if needs_database:
        django.setup()
        problem = prepare_database()
        if problem:
            print(problem, file=sys.stderr)
            return 1
    # Bare `reactivate` shows the command list rather than Django's terse usage line.
    execute_from_command_line(["reactivate", *(args or ["help"])])
    return 0


def prepare_database() -> str:
    """Bring an embedded SQLite database up to date before a command uses it (a fresh data
    home has no tables yet); on a server database, say in one line what to run instead, since
    its schema is changed once, deliberately, not by whichever command runs first there.
    Returns the message for the user, or "" when the database is ready."""
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        return f"reactivate: cannot reach the database ({exc}). Check DATABASE_URL."
    if not pending:
        return ""
    if connection.vendor == "sqlite":
        print(
            f"Preparing the database in {connection.settings_dict['NAME']} "
            f"({len(pending)} migrations)…",
            file=sys.stderr,
        )
        call_command("migrate", interactive=False, verbosity=0)
        return ""
    return (
        f"reactivate: the database has {len(pending)} migrations to apply; "
        "run `reactivate migrate` first."
    )


if __name__ == "__main__":
    sys.exit(main())
