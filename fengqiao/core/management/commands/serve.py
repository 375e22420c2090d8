"""`fengqiao serve`: run the platform on 127.0.0.1 (migrating first) for the embedded default.

Production runs the WSGI app (fengqiao.wsgi) under gunicorn or uwsgi behind nginx instead."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "在本机运行平台（默认 127.0.0.1:8000）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"枫桥平台已启动：http://{options['addrport']}/  （Ctrl+C 停止）")
        call_command("runserver", options["addrport"], use_reloader=False)
