"""Import or update the comuni from an ISTAT CSV (same columns as the bundled 2020 list).

manage.py import_comuni                      # the bundled list (ISTAT, CC BY 3.0 IT)
manage.py import_comuni path/to/comuni.csv --mark-missing-ceased
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cse.core.services import BUNDLED_COMUNI_CSV, comuni_import, read_istat_csv


class Command(BaseCommand):
    help = "Importa i comuni dal tracciato ISTAT (codice_istat, nome, codice_catastale, sigla_provincia, ...)."

    def add_arguments(self, parser):
        parser.add_argument("csv", nargs="?", default=str(BUNDLED_COMUNI_CSV))
        parser.add_argument(
            "--mark-missing-ceased", action="store_true", help="segna come soppressi i comuni assenti dal file"
        )

    def handle(self, *args, csv: str, mark_missing_ceased: bool, **options):
        path = Path(csv)
        if not path.exists():
            raise CommandError(f"File non trovato: {path}")
        try:
            result = comuni_import(read_istat_csv(path), mark_missing_ceased=mark_missing_ceased)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"Comuni creati: {result.created}, aggiornati: {result.updated}, segnati come soppressi: {result.ceased}"
        )
