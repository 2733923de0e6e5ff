"""Demo only: stands in for PDND. Generates (once) a key pair under var/, publishes its JWKS where the settings read
it (SIUSS_PDND_JWKS_FILE), and prints a voucher for an ente's WaaS e-service, e.g. for curl."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cse.siuss.models import EserviceWaas
from cse.siuss.voucher import LocalIssuer


class Command(BaseCommand):
    help = "Emette un voucher PDND di prova per l'e-service SIUSS di un ente (solo demo)"

    def add_arguments(self, parser):
        parser.add_argument("ente", help="codice dell'ente, es. F284")

    def handle(self, *args, ente, **options):
        if not settings.CSE_DEMO or not settings.SIUSS_PDND_JWKS_FILE:
            raise CommandError("Solo in modalità demo (CSE_DEMO) con SIUSS_PDND_JWKS_FILE impostato.")
        eservice = EserviceWaas.objects.filter(ente__codice=ente).first()
        if eservice is None:
            raise CommandError(f"L'ente {ente} non ha un e-service SIUSS configurato.")
        jwks_path = Path(settings.SIUSS_PDND_JWKS_FILE)
        key_path = jwks_path.with_suffix(".key.pem")
        if key_path.exists():
            issuer = LocalIssuer.from_pem(key_path.read_bytes(), kid="demo-pdnd")
        else:
            issuer = LocalIssuer(kid="demo-pdnd")
            jwks_path.parent.mkdir(parents=True, exist_ok=True)
            key_path.write_bytes(issuer.private_pem())
            key_path.chmod(0o600)
        jwks_path.write_text(json.dumps(issuer.jwks()))
        self.stdout.write(issuer.issue(audience=eservice.audience, purpose_id=eservice.purpose_ids[0], ttl=600))
