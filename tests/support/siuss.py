"""Building blocks of a comune that transmits to SIUSS: its e-service, people with residence and ISEE, cases taken
in charge, prestazioni with their SIUSS data, SINA and SINBA records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from cse.cartella.fasi import Prestazione, Progetto, VoceNomenclatore
from cse.cartella.models import Assistito
from cse.cartella.rete import Isee
from cse.core.models import Comune
from cse.siuss.models import DatiSiuss, EserviceWaas, SchedaSinba, ValutazioneSina
from tests.support.factories import register_person

TODAY = date(2026, 11, 20)


def eservice_for(ente, **extra) -> EserviceWaas:
    return EserviceWaas.objects.create(
        ente=ente,
        codice_siuss=extra.pop("codice_siuss", ente.codice if len(ente.codice) == 4 else "F284"),
        belfiore_sede=extra.pop("belfiore_sede", "F284"),
        cf_operatore=extra.pop("cf_operatore", "RSSMRA80A01F284B"),
        audience=extra.pop("audience", f"https://cse.example.invalid/siuss/waas/{ente.codice}"),
        purpose_ids=extra.pop("purpose_ids", ["purpose-inps-siuss"]),
        **extra,
    )


def with_residence(assistito: Assistito) -> Assistito:
    comune = Comune.objects.get(codice_istat="072029")
    Assistito.objects.filter(pk=assistito.pk).update(comune_residenza=comune)
    assistito.refresh_from_db()
    return assistito


def add_isee(assistito, *, protocollo="INPS-ISEE-2026-00012345A-00", presentata=date(2026, 1, 15)):
    return Isee.objects.create(
        assistito=assistito,
        valore=Decimal("8500.00"),
        protocollo_dsu=protocollo,
        data_presentazione=presentata,
        valida_dal=date(2026, 1, 15),
        valida_al=date(2026, 12, 31),
    )


def prestazione(cartella, *, codice="A1.04", carattere=2, inizio=date(2026, 3, 10), fine=None, importo="300.00", **kw):
    return Prestazione.objects.create(
        cartella=cartella,
        voce=VoceNomenclatore.objects.get(codice=codice),
        carattere=carattere,
        data_inizio=inizio,
        data_fine=fine,
        quantita=1,
        unita="euro",
        importo=Decimal(importo),
        fonte="comunale",
        erogatore="Comune",
        ente_erogatore=kw.pop("ente_erogatore", cartella.owner_ente),
        **kw,
    )


def dati(p, **kw) -> DatiSiuss:
    values = {
        "protocollo_domanda": "PROT-2026-0042",
        "presenza_prova_mezzi": "1",
        "quota_ente": p.importo,
        "quota_utente": Decimal("0"),
        "quota_ssn": Decimal("0"),
    }
    values.update(kw)
    return DatiSiuss.objects.create(prestazione=p, **values)


def take_in_charge(cartella, area="poverta"):
    Progetto.objects.create(cartella=cartella, obiettivi="Autonomia economica")
    type(cartella).objects.filter(pk=cartella.pk).update(area=area)
    cartella.refresh_from_db()


def sina(cartella) -> ValutazioneSina:
    return ValutazioneSina.objects.create(
        cartella=cartella,
        mobilita="2",
        attivita_vita_quotidiana="3",
        disturbi_area_cognitiva="2",
        disturbi_comportamentali="1",
        necessita_cure_sanitarie="2",
        area_reddituale="2",
        area_supporto="2",
        fonte_valutazione="1",
        strumento_valutazione="1",
        fonte_invalidita="1",
        invalidita_civile=["2"],
        necessita_interventi=["A2.07"],
    )


def minor_case(territory):
    """A 9-year-old in the territory's A1 (Molfetta) with a SINBA record."""
    return minor_case_in(territory.enti["A1"], by=territory.user("A1", "assistente_sociale"))


def minor_case_in(comune, *, by):
    """A 9-year-old in Molfetta, registered by `comune` (Molfetta's ente), with a case opened by `by` and a SINBA
    record."""
    from cse.cartella.actions.cartella import cartella_open

    child = register_person(comune, cognome="Quaranta", nome="Giulia", sesso="F", data_nascita=date(2017, 5, 2))
    with_residence(child)
    cartella = cartella_open(assistito=child, by=by)
    SchedaSinba.objects.create(
        cartella=cartella,
        minore_straniero_non_accompagnato="2",
        condizione_minore="1",
        luogo_vita="1",
        scuola_frequentata="5",
        condizione_lavoro="1",
        disabilita="2",
        data_prima_segnalazione=date(2025, 9, 1),
        fonte_segnalazione="13",
        valutazione_minore="2",
        valutazione_famiglia="12",
        segnalazione_autorita_giudiziaria=True,
        data_segnalazione=date(2025, 10, 1),
        provvedimento_giudiziario=False,
        composizione_famiglia=["1", "3"],
        numero_componenti_isee=3,
    )
    return cartella
