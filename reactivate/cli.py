"""`reactivate <command>`: one entry point that forwards to Django's management commands."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    # Bare `reactivate` shows the command list rather than Django's terse usage line.
    execute_from_command_line(["reactivate", *(args or ["help"])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
