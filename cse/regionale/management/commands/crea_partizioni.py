"""Create the monthly partitions of the regional event table ahead of time (run monthly, e.g. from cron)."""

from django.core.management.base import BaseCommand

from cse.regionale.partitions import create_ahead, is_partitioned, move_out_of_default


class Command(BaseCommand):
    help = (
        "Crea le partizioni mensili degli eventi regionali per il mese corrente e i prossimi N (PostgreSQL); "
        "con --sposta dà una partizione propria ai mesi finiti nella partizione di default."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mesi", type=int, default=3, help="mesi futuri da preparare (default 3)")
        parser.add_argument("--sposta", action="store_true", help="sposta i mesi della partizione di default")

    def handle(self, *args, mesi: int, sposta: bool, **options):
        if not is_partitioned():
            self.stdout.write("Archivio regionale non partizionato (SQLite): nulla da fare.")
            return
        created = create_ahead(mesi)
        self.stdout.write(f"Partizioni create: {', '.join(f'{m:%Y-%m}' for m in created) or 'nessuna'}")
        if sposta:
            moved = move_out_of_default()
            self.stdout.write(
                f"Mesi spostati dalla partizione di default: {', '.join(f'{m:%Y-%m}' for m in moved) or 'nessuno'}"
            )
