"""A case taken to the erogazione phase and its prestazioni: the local truth the regional derivations are checked
against."""

from datetime import date
from decimal import Decimal

from cse.cartella.actions.cartella import cartella_transition
from cse.cartella.actions.fasi import intervento_plan, phase_record_save, prestazione_register
from cse.cartella.fasi import VoceNomenclatore


def to_erogazione(case, worker, area="anziani"):
    save = phase_record_save
    save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={"canale": "spontaneo", "richiesta": "aiuto", "area": area, "esito": "presa_in_carico"},
    )
    case = cartella_transition(cartella=case, target="valutazione", by=worker)
    save(
        cartella=case,
        record="valutazione",
        by=worker,
        version=None,
        data={
            "economica": 1,
            "abitativa": 1,
            "salute": 2,
            "familiare": 1,
            "lavoro": 0,
            "gravita": 2,
            "urgenza": "ordinaria",
            "giudizio": "ok",
        },
    )
    case = cartella_transition(cartella=case, target="progetto", by=worker)
    sad = VoceNomenclatore.objects.get(codice="A2.07")
    intervento_plan(cartella=case, by=worker, version=None, data={"voce": sad, "ore_previste": Decimal("10")})
    save(
        cartella=case,
        record="progetto",
        by=worker,
        version=None,
        data={
            "obiettivi": "o",
            "azioni": "a",
            "impegni_persona": "i",
            "data_revisione": date(2026, 12, 1),
            "sottoscritto_il": date(2026, 3, 1),
        },
    )
    return cartella_transition(cartella=case, target="erogazione", by=worker)


def prestazione(case, worker, codice, inizio, importo, carattere=1, *, modulo_leps="", fonte="fnps", fine=None):
    return prestazione_register(
        cartella=case,
        by=worker,
        version=None,
        data={
            "voce": VoceNomenclatore.objects.get(codice=codice),
            "carattere": carattere,
            "data_inizio": inizio,
            "quantita": Decimal("10"),
            "unita": "ore",
            "importo": Decimal(importo),
            "fonte": fonte,
            "erogatore": "Coop",
            "modulo_leps": modulo_leps,
            "data_fine": fine,
        },
    )


def deliver(comune, area, prestazioni, sesso="M"):
    """One case of a resident of `comune` in `area` with the given (code, month) prestazioni, relayed and derived."""
    from cse.cartella.relay import relay_outbox
    from cse.regionale.derivations import derive_siuss_prestazioni
    from cse.regionale.ingest import ingest_event
    from tests.support.factories import CartellaFactory, OperatoreFactory
    from tests.support.places import resident

    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    person = resident(comune, sesso=sesso)
    case = to_erogazione(CartellaFactory(assistito=person, by=worker), worker, area=area)
    for codice, month in prestazioni:
        prestazione(case, worker, codice, date(2026, month, 1), "10.00", modulo_leps="A1")
    relay_outbox(sender=ingest_event)
    derive_siuss_prestazioni(2026)
