"""Demo data for the SIUSS transmission (called by seed_demo after the demo cases are delivered): Molfetta's
e-service; some of the prestazioni delivered through the case services get residence, ISEE and SIUSS data as an
operator would type them — two with the kind of gaps the worklist must show — then flows are prepared and exposed,
and INPS's first outcomes arrive (acquired, one rejected). Everything goes through the services, so history,
diario and the events to the Region are those of real use. Synthetic people only."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from cse.cartella.actions.assistito import assistito_update, isee_add
from cse.cartella.fasi import Prestazione

from .glossary import CodiceEsito, StatoFlusso
from .models import EserviceWaas, Flusso
from .services import dati_siuss_save, esiti_record, flussi_expose, flussi_prepare

DEMO_PRESTAZIONI = 8
NO_DSU, QUOTE_MISMATCH = 4, 3  # the fifth person has no DSU protocol, the fourth's quotas do not add up


def seed_siuss_demo(ente, *, worker, erogatore: str, base_url: str = "http://localhost:8000") -> str:
    if EserviceWaas.objects.filter(ente=ente).exists():
        return "SIUSS: dati dimostrativi già presenti"
    EserviceWaas.objects.create(
        ente=ente,
        codice_siuss=ente.codice,
        belfiore_sede=ente.codice,
        cf_operatore="RSSMRA80A01F284B",
        audience=f"{base_url}/siuss/waas/{ente.codice}",
        purpose_ids=["demo-inps-siuss"],
    )
    year = timezone.localdate().year
    first_of_each_case: dict[int, Prestazione] = {}
    for p in (
        Prestazione.objects.filter(cartella__owner_ente=ente, erogatore=erogatore)
        .select_related("cartella__assistito")
        .order_by("pk")
    ):
        first_of_each_case.setdefault(p.cartella_id, p)  # one person per prestazione: the gaps stay theirs
    for i, p in enumerate(list(first_of_each_case.values())[:DEMO_PRESTAZIONI]):
        person = p.cartella.assistito
        person = assistito_update(
            assistito=person,
            data={"comune_residenza": ente.comune, "cittadinanza": "100"},
            by=worker,
            version=None,
            reason="residenza verificata (demo)",
        )
        if i != NO_DSU and not person.isee.exists():
            isee_add(
                assistito=person,
                data={
                    "valore": Decimal("7200"),
                    "protocollo_dsu": f"INPS-ISEE-{year}-{i:08d}A-00",
                    "data_presentazione": date(year, 1, 10),
                    "valida_dal": date(year, 1, 10),
                    "valida_al": date(year, 12, 31),
                },
                by=worker,
            )
        periodic = p.carattere == 1
        amount = Decimal("400.00") if periodic else p.importo
        dati_siuss_save(
            prestazione=p,
            data={
                "protocollo_domanda": f"DEMO-{i + 1:04d}",
                "presenza_prova_mezzi": "1",
                "importo_mensile": amount if periodic else None,
                "quota_ente": amount - (Decimal("50") if i != QUOTE_MISMATCH else Decimal("0")),
                "quota_utente": Decimal("50"),
            },
            by=worker,
        )
    result = flussi_prepare(ente=ente)
    exposed = flussi_expose(ente=ente)
    # INPS has answered on the older half of the exposed flows: all acquired but the last, rejected
    waiting = list(Flusso.objects.filter(ente=ente, stato=StatoFlusso.ESPOSTO).order_by("esposto_ms"))
    answered = waiting[: (len(waiting) + 1) // 2]
    esiti_record(
        ente=ente,
        esiti=[
            {"id_flusso": f.id_flusso, "codice_esito": CodiceEsito.OK, "id_acquisizione_siuss": f"DEMO{n:06d}"}
            if n < len(answered) - 1 or len(answered) == 1
            else {
                "id_flusso": f.id_flusso,
                "codice_esito": CodiceEsito.RICHIESTA_INVALIDA,
                "descrizione_esito": "Codice prestazione non coerente con l'area utenza (esito dimostrativo)",
            }
            for n, f in enumerate(answered)
        ],
    )
    return (
        f"SIUSS: {result.checked} prestazioni verificate, {result.with_problems} con dati da completare, "
        f"{exposed} flussi esposti, {len(answered)} esiti INPS dimostrativi "
        f"(voucher di prova: manage.py siuss_voucher_demo {ente.codice})"
    )
