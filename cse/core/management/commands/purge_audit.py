"""Retention purge of the access log and the change history: only rows older than the retention period (≥ 24 months).

manage.py purge_audit                     # older than CSE_AUDIT_RETENTION_MONTHS (default and minimum 24)
manage.py purge_audit --months 36
manage.py purge_audit --before 2024-01-01
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cse.core.audit_chain import MIN_RETENTION_MONTHS, audit_purge, months_before, retention_months


class Command(BaseCommand):
    help = "Elimina le righe del registro degli accessi e dello storico più vecchie del periodo di conservazione."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--before", help="data limite AAAA-MM-GG (esclusa)")
        group.add_argument("--months", type=int, help=f"mesi da conservare (almeno {MIN_RETENTION_MONTHS})")

    def handle(self, *args, before: str | None, months: int | None, **options):
        if before:
            try:
                day = dt.date.fromisoformat(before)
            except ValueError:
                raise CommandError(f"Data non valida: {before} (formato AAAA-MM-GG).") from None
            cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        else:
            months = retention_months() if months is None else months
            if months < retention_months():
                raise CommandError(f"Il periodo di conservazione è di almeno {retention_months()} mesi.")
            cutoff = months_before(timezone.now(), months)
        try:
            result = audit_purge(cutoff=cutoff)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Eliminate {result.righe_accessi} righe del registro degli accessi e {result.righe_storico} righe "
                f"di storico anteriori al {timezone.localtime(cutoff):%d/%m/%Y}."
            )
        )
