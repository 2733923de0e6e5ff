"""Detach one month of regional events (DETACH PARTITION): the table stays, outside the store, for archiving."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cse.regionale.partitions import NotDetachable, detach, is_partitioned


class Command(BaseCommand):
    help = (
        "Stacca dall'archivio regionale la partizione di un mese (AAAA-MM): i suoi eventi escono da ogni conteggio, "
        "la tabella resta nel database da archiviare (pg_dump -t) e poi eliminare."
    )

    def add_arguments(self, parser):
        parser.add_argument("mese", help="AAAA-MM")

    def handle(self, *args, mese: str, **options):
        if not is_partitioned():
            raise CommandError("Archivio regionale non partizionato (SQLite): nessuna partizione da staccare.")
        try:
            month = date.fromisoformat(f"{mese}-01")
        except ValueError as exc:
            raise CommandError("Mese non valido: usare AAAA-MM.") from exc
        try:
            table = detach(month)
        except NotDetachable as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Partizione staccata: {table} (da archiviare con pg_dump -t {table}, poi DROP TABLE).")
