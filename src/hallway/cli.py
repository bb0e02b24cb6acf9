"""The ``hallway`` console script.

``hallway COMMAND ...`` runs Django's management command of that name, accepting the
hyphenated spelling (``hallway load-demo`` is ``load_demo``).  ``hallway solve`` runs the
scheduler on a problem file and needs no database, so it never touches Django.  A
configuration mistake prints one line naming it, not a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "solve":
        from hallway.solver.cli import main as solve_main

        return solve_main(argv[1:])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")
    if argv:
        argv[0] = argv[0].replace("-", "_")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["hallway", *argv])
    except ImproperlyConfigured as exc:
        print(f"hallway: configuration error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
