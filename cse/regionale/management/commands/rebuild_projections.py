"""Recompute the current-state tables of the regional store from the events (deterministic)."""

from django.core.management.base import BaseCommand

from cse.regionale.projections import rebuild_projections


class Command(BaseCommand):
    help = "Ricostruisce dagli eventi lo stato corrente di prestazioni e casi usato dalle derivazioni."

    def handle(self, *args, **options):
        self.stdout.write(f"Eventi riletti: {rebuild_projections()}")
