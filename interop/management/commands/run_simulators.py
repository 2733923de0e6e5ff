"""Serve the simulators of every external system on local ports (the demo's default URLs point here)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from interop.simulators.runner import start_all, stop_all, suite_from_settings


class Command(BaseCommand):
    help = "Avvia i simulatori di PDND, ANPR, INPS ISEE e dei sistemi regionali su porte locali."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.CSE_SIMULATORI_HOST)
        parser.add_argument("--porta", type=int, default=settings.CSE_SIMULATORI_PORTA)

    def handle(self, *args, host: str, porta: int, **options):
        servers = start_all(suite_from_settings(), host, porta)
        for name, server in servers.items():
            self.stdout.write(f"  {name:<15} http://{host}:{server.server_port}")
        self.stdout.write("Simulatori attivi (Ctrl+C per fermare).")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            stop_all(servers)
