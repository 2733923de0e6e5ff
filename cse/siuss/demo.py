"""Demo data for the SIUSS transmission (called by seed_demo): Molfetta's e-service, a few prestazioni ready to go,
two with the kind of gaps the worklist must show, flows prepared and exposed. Synthetic people only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cse.cartella.fasi import Prestazione, Progetto, VoceNomenclatore
from cse.cartella.models import Assistito, Cartella
from cse.cartella.rete import Isee

from .models import DatiSiuss, EserviceWaas
from .services import flussi_expose, flussi_prepare


def seed_siuss_demo(ente, *, base_url: str = "http://localhost:8000") -> str:
    if EserviceWaas.objects.filter(ente=ente).exists():
        return "SIUSS: dati dimostrativi già presenti"
    with transaction.atomic():
        EserviceWaas.objects.create(
            ente=ente,
            codice_siuss=ente.codice,
            belfiore_sede=ente.codice,
            cf_operatore="RSSMRA80A01F284X",
            audience=f"{base_url}/siuss/waas/{ente.codice}",
            purpose_ids=["demo-inps-siuss"],
        )
        today = timezone.localdate()
        start = date(today.year, 1, 10) if today.month > 3 else date(today.year - 1, 10, 10)
        cartelle = list(
            Cartella.objects.filter(owner_ente=ente, assistito__data_nascita__lt=today - timedelta(days=365 * 20))
            .select_related("assistito")
            .order_by("pk")[:6]
        )
        codes = ["A1.04", "A2.07", "A1.05", "A1.06", "A2.01", "A1.16"]
        for i, cartella in enumerate(cartelle):
            Assistito.objects.filter(pk=cartella.assistito_id).update(comune_residenza=ente.comune, cittadinanza="100")
            if i != 4:  # the fifth person has no DSU protocol: the worklist says so
                Isee.objects.get_or_create(
                    assistito_id=cartella.assistito_id,
                    valida_dal=start,
                    defaults={
                        "valore": Decimal("7200"),
                        "protocollo_dsu": f"INPS-ISEE-{start.year}-{i:08d}A-00",
                        "data_presentazione": start,
                        "valida_al": date(start.year, 12, 31),
                    },
                )
            Progetto.objects.get_or_create(cartella=cartella, defaults={"obiettivi": "Progetto dimostrativo"})
            Cartella.objects.filter(pk=cartella.pk, area="").update(area="poverta")
            voce = VoceNomenclatore.objects.get(codice=codes[i])
            periodic = voce.carattere == 1
            p = Prestazione.objects.create(
                cartella=cartella,
                voce=voce,
                carattere=voce.carattere,
                data_inizio=start + timedelta(days=i),
                quantita=1,
                unita="euro",
                importo=Decimal("0" if periodic else "300.00"),
                fonte="comunale",
                erogatore=ente.nome,
                ente_erogatore=ente,
            )
            amount = Decimal("400.00") if periodic else Decimal("300.00")
            DatiSiuss.objects.create(
                prestazione=p,
                protocollo_domanda=f"DEMO-{i + 1:04d}",
                presenza_prova_mezzi="1",
                importo_mensile=amount if periodic else None,
                quota_ente=amount - (Decimal("50") if i != 3 else Decimal("0")),  # the fourth does not add up
                quota_utente=Decimal("50"),
            )
    result = flussi_prepare(ente=ente)
    exposed = flussi_expose(ente=ente)
    return (
        f"SIUSS: {result.checked} prestazioni verificate, {result.with_problems} con dati da completare, "
        f"{exposed} flussi esposti (voucher di prova: manage.py siuss_voucher_demo {ente.codice})"
    )
