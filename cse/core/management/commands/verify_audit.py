"""Verify the access-log hash chain and the database-level protection of the audit tables.

manage.py verify_audit            # exit code 1 and the first broken row if anything was altered
"""

from django.core.management.base import BaseCommand, CommandError

from cse.core.audit_chain import audit_check_record, unprotected_tables, verify_access_chain


class Command(BaseCommand):
    help = "Verifica la catena di hash del registro degli accessi e la protezione in sola aggiunta dello storico."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="righe lette per volta")

    def handle(self, *args, batch: int, **options):
        report = verify_access_chain(batch_size=batch)
        audit_check_record(report)
        if not report.ok:
            raise CommandError(report.esito)
        missing = unprotected_tables()
        if missing:
            raise CommandError(f"Protezione in sola aggiunta assente o disattivata su: {', '.join(missing)}.")
        self.stdout.write(self.style.SUCCESS(report.esito))
        if missing is None:
            self.stdout.write("Nota: su SQLite la protezione in sola aggiunta è solo applicativa (nessun trigger).")
        else:
            self.stdout.write("Trigger in sola aggiunta attivi su registro degli accessi e tabelle di storico.")
