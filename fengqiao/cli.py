"""The `fengqiao` console command: Django's management commands under friendlier names.

    fengqiao migrate | demo | serve [ADDR:PORT] | import-regions | verify-audit | sweep | …

Any Django management command works; dashes in the name are accepted for underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["fengqiao", *args[1:]])


if __name__ == "__main__":
    main()
