"""Rebuild the SIOSS LEPS schede of a year (optionally one ambito) from the regional events; finalised ones stay."""

from django.core.management.base import BaseCommand

from cse.regionale.leps import derive_sioss_leps_counts


class Command(BaseCommand):
    help = "Ricalcola dagli eventi regionali le schede LEPS (SIOSS) in bozza di un anno."

    def add_arguments(self, parser):
        parser.add_argument("anno", type=int)
        parser.add_argument("--ambito", default=None)

    def handle(self, *args, anno: int, ambito: str | None, **options):
        self.stdout.write(f"Valori LEPS calcolati: {derive_sioss_leps_counts(anno, ambito)}")
