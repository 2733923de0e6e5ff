"""Rebuild the SIUSS prestazioni table for a year (and optionally one ente): deterministic and re-runnable."""

from django.core.management.base import BaseCommand

from cse.regionale.derivations import derive_siuss_prestazioni


class Command(BaseCommand):
    help = "Ricostruisce la tabella delle prestazioni SIUSS di un anno dagli eventi regionali."

    def add_arguments(self, parser):
        parser.add_argument("anno", type=int)
        parser.add_argument("--ente", default=None)

    def handle(self, *args, anno: int, ente: str | None, **options):
        self.stdout.write(f"Prestazioni derivate: {derive_siuss_prestazioni(anno, ente)}")
