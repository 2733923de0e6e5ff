"""A social worker's case from the front desk to closure and re-opening, through the services; the state machine
refuses every skipped or backward step with a message naming what is missing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.actions.cartella import cartella_reopen, cartella_transition
from cse.cartella.actions.fasi import intervento_plan, phase_record_save, prestazione_end, prestazione_register
from cse.cartella.fasi import Transizione, VoceNomenclatore
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.workflow import refusal
from cse.core.models import OutboxEvent
from tests.support.ambito import ambito_case
from tests.support.factories import ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db


def refused(cartella, target) -> str:
    with pytest.raises(ValidationError) as exc:
        cartella_transition(cartella=cartella, target=target, by=cartella.case_manager)
    return " | ".join(exc.value.messages)


def test_the_whole_journey_with_guards_at_every_step(worker, case):
    save = phase_record_save

    # 1. accesso: nothing filled in yet
    assert "manca la scheda di accesso" in refused(case, S.VALUTAZIONE)
    assert "Non si possono saltare fasi" in refused(case, S.PROGETTO)
    save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={"canale": "sanitario", "richiesta": "Aiuto per l'assistenza alla madre", "area": "anziani", "esito": ""},
    )
    problems = refused(case, S.VALUTAZIONE)
    assert "manca chi ha inviato o segnalato la persona" in problems and "manca l'esito dell'accesso" in problems
    save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={"inviante": "MMG dott.ssa Ferri", "esito": "presa_in_carico"},
    )
    case = cartella_transition(cartella=case, target=S.VALUTAZIONE, by=worker)

    # 2. valutazione
    assert "Non si torna indietro" in refused(case, S.ACCESSO)
    save(cartella=case, record="valutazione", by=worker, version=None, data={"economica": 2, "abitativa": 1})
    problems = refused(case, S.PROGETTO)
    assert "manca il livello di bisogno per «Salute e autonomia»" in problems
    assert "manca il giudizio professionale" in problems
    save(
        cartella=case,
        record="valutazione",
        by=worker,
        version=None,
        data={
            "salute": 3,
            "familiare": 2,
            "lavoro": 0,
            "gravita": 2,
            "urgenza": "prioritaria",
            "giudizio": "Carico assistenziale elevato sulla figlia",
        },
    )
    case = cartella_transition(cartella=case, target=S.PROGETTO, by=worker)

    # 3. progetto
    problems = refused(case, S.EROGAZIONE)
    assert "manca il progetto individuale" in problems
    save(
        cartella=case,
        record="progetto",
        by=worker,
        version=None,
        data={
            "obiettivi": "Sostenere la permanenza a domicilio",
            "azioni": "SAD 6 ore/settimana",
            "impegni_persona": "Partecipare alle verifiche",
            "data_revisione": date.today() + timedelta(days=90),
        },
    )
    problems = refused(case, S.EROGAZIONE)
    assert "manca la sottoscrizione del progetto da parte della persona" in problems
    assert "manca almeno un intervento pianificato" in problems
    sad = VoceNomenclatore.objects.get(codice="A2.07")
    intervento_plan(
        cartella=case, by=worker, version=None, data={"voce": sad, "ore_previste": Decimal("24"), "fonte": "fnps"}
    )
    save(cartella=case, record="progetto", by=worker, version=None, data={"sottoscritto_il": date.today()})
    case = cartella_transition(cartella=case, target=S.EROGAZIONE, by=worker)

    # 4. erogazione
    assert "manca almeno una prestazione erogata" in refused(case, S.CHIUSA)
    prestazione = prestazione_register(
        cartella=case,
        by=worker,
        version=None,
        data={
            "voce": sad,
            "carattere": 1,
            "data_inizio": date.today() - timedelta(days=60),
            "quantita": Decimal("48"),
            "unita": "ore",
            "importo": Decimal("960.00"),
            "fonte": "fnps",
            "erogatore": "Coop. Sociale Aurora",
        },
    )
    assert "non è conclusa" in refused(case, S.CHIUSA)
    prestazione_end(prestazione=prestazione, data_fine=date.today(), by=worker, version=None)

    # 5. chiusura
    assert "manca la valutazione finale" in refused(case, S.CHIUSA)
    save(
        cartella=case,
        record="chiusura",
        by=worker,
        version=None,
        data={"esito_obiettivi": "raggiunti", "motivo": "obiettivi", "valutazione_finale": "Rete familiare attivata"},
    )
    case = cartella_transition(cartella=case, target=S.CHIUSA, by=worker)
    assert case.chiusa_il == date.today()
    assert "La cartella è chiusa" in refused(case, S.EROGAZIONE)
    with pytest.raises(ValidationError, match="chiusa"):
        save(cartella=case, record="chiusura", by=worker, version=None, data={"follow_up": "telefonata a 3 mesi"})

    # re-opening: a new episode linked to the old one
    reopened = cartella_reopen(cartella=case, by=worker)
    assert reopened.riaperta_da == case and reopened.stato == S.ACCESSO and reopened.numero != case.numero
    with pytest.raises(ValidationError, match="già stata riaperta"):
        cartella_reopen(cartella=case, by=worker)

    steps = list(Transizione.objects.filter(cartella=case).values_list("da_stato", "a_stato", "by"))
    assert steps == [
        (S.ACCESSO, S.VALUTAZIONE, worker.pk),
        (S.VALUTAZIONE, S.PROGETTO, worker.pk),
        (S.PROGETTO, S.EROGAZIONE, worker.pk),
        (S.EROGAZIONE, S.CHIUSA, worker.pk),
    ]
    events = list(
        OutboxEvent.objects.filter(aggregate_id=case.pk, aggregate_type="cartella.cartella").values_list(
            "sequence", flat=True
        )
    )
    assert events == list(range(1, len(events) + 1))  # gap-free per-case sequence
    assert case.diario.filter(tipo="fase").count() == 5  # four transitions and the re-opening note


def test_an_access_for_information_only_closes_without_a_project(comune, case):
    worker = OperatoreFactory(ente=comune, ruolo="segretariato")
    phase_record_save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={
            "canale": "spontaneo",
            "richiesta": "Informazioni sul bonus affitto",
            "area": "poverta",
            "esito": "informazione",
        },
    )
    assert "con esito «presa in carico»" not in refused(case, S.CHIUSA)
    assert "l'esito dell'accesso non è «presa in carico»" in refusal(case, S.VALUTAZIONE)
    phase_record_save(
        cartella=case,
        record="chiusura",
        by=worker,
        version=None,
        data={"motivo": "informazione", "esito_obiettivi": "non_applicabile"},
    )
    assert cartella_transition(cartella=case, target=S.CHIUSA, by=worker).stato == S.CHIUSA


def test_a_stale_edit_by_a_second_operator_is_refused_and_nothing_is_saved(comune, worker, case):
    first, second = worker, OperatoreFactory(ente=comune, ruolo="responsabile")
    seen_version = case.version
    phase_record_save(
        cartella=case, record="scheda_accesso", by=first, version=seen_version, data={"richiesta": "prima versione"}
    )
    with pytest.raises(ValidationError, match="modificata da un altro operatore"):
        phase_record_save(
            cartella=case,
            record="scheda_accesso",
            by=second,
            version=seen_version,
            data={"richiesta": "seconda versione"},
        )
    case.scheda_accesso.refresh_from_db()
    assert case.scheda_accesso.richiesta == "prima versione"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"data_fine": date(2026, 1, 1), "data_inizio": date(2026, 2, 1)}, "La data di fine non può precedere"),
        ({"importo": Decimal("-5")}, "non può essere negativo"),
        ({"quantita": Decimal("-1")}, "non può essere negativo"),
    ],
)
def test_bad_prestazioni_are_refused_in_italian_and_leave_nothing(worker, case, data, message):
    case.stato = S.EROGAZIONE
    case.save()
    before = OutboxEvent.objects.count()
    base = {
        "voce": VoceNomenclatore.objects.get(codice="A1.04"),
        "carattere": 2,
        "data_inizio": date(2026, 1, 1),
        "quantita": Decimal("1"),
        "unita": "euro",
        "importo": Decimal("300"),
        "fonte": "comunale",
        "erogatore": "Comune",
    }
    with pytest.raises(ValidationError, match=message):
        prestazione_register(cartella=case, by=worker, version=None, data={**base, **data})
    assert case.prestazioni.count() == 0 and OutboxEvent.objects.count() == before


def _written(case):
    from cse.cartella.fasi import VoceDiario
    from cse.cartella.models import Cartella

    return (
        Transizione.objects.count(),
        VoceDiario.objects.count(),
        OutboxEvent.objects.count(),
        Cartella.history.count(),
        tuple(Cartella.objects.filter(pk=case.pk).values_list("stato", "version", "chiusa_il").get()),
    )


def _ready_for_assessment(case, worker):
    phase_record_save(
        cartella=case,
        record="scheda_accesso",
        by=worker,
        version=None,
        data={"canale": "spontaneo", "richiesta": "Aiuto", "area": "poverta", "esito": "presa_in_carico"},
    )
    case.refresh_from_db()
    return case


@pytest.mark.parametrize(
    ("where", "ruolo"),
    [
        ("neighbour_comune", "assistente_sociale"),  # another comune of the same ambito
        ("other_comune", "responsabile"),  # a comune of another ambito
        ("ambito", "ufficio_di_piano"),  # the ambito, on a case it does not own
        ("comune", "segretariato"),  # same comune, front desk: may not take a case into care
        ("comune", "amministratore_ente"),  # same comune, no capability on cases at all
    ],
)
def test_the_service_itself_refuses_a_transition_by_whoever_may_not_work_the_case(
    ambito, comune, worker, case, where, ruolo
):
    """Called directly, not through the view: the guard would let the step pass, the actor check does not."""
    ente = {
        "neighbour_comune": lambda: ComuneEnteFactory(ambito=ambito),
        "other_comune": ComuneEnteFactory,
        "ambito": lambda: ambito,
        "comune": lambda: comune,
    }[where]()
    actor = OperatoreFactory(ente=ente, ruolo=ruolo)
    case = _ready_for_assessment(case, worker)
    assert refusal(case, S.VALUTAZIONE) == []
    before = _written(case)
    with pytest.raises(ValidationError) as exc:
        cartella_transition(cartella=case, target=S.VALUTAZIONE, by=actor, version=case.version)
    assert exc.value.messages[0].startswith("Non si può cambiare la fase di questa cartella")
    assert _written(case) == before
    # the actor is refused before anything about the case is said (no guard message, no phase name)
    assert len(exc.value.messages) == 1


def test_a_read_only_equipe_grant_cannot_move_the_case_but_the_owner_can(ambito, worker, case):
    """The comune's case manager keeps a read-only équipe grant on the case the ambito took over."""
    ambito_worker = OperatoreFactory(ente=ambito, ruolo="assistente_sociale")
    case = _ready_for_assessment(ambito_case(case.assistito, by=worker), ambito_worker)
    before = _written(case)
    with pytest.raises(ValidationError, match="Non si può cambiare la fase"):
        cartella_transition(cartella=case, target=S.VALUTAZIONE, by=worker)
    assert _written(case) == before
    moved = cartella_transition(cartella=case, target=S.VALUTAZIONE, by=ambito_worker)
    assert moved.stato == S.VALUTAZIONE


def test_the_front_desk_may_still_close_an_information_only_access(comune, case):
    desk = OperatoreFactory(ente=comune, ruolo="segretariato")
    phase_record_save(
        cartella=case,
        record="scheda_accesso",
        by=desk,
        version=None,
        data={"canale": "spontaneo", "richiesta": "Orari", "area": "poverta", "esito": "informazione"},
    )
    phase_record_save(cartella=case, record="chiusura", by=desk, version=None, data={"motivo": "informazione"})
    assert cartella_transition(cartella=case, target=S.CHIUSA, by=desk).stato == S.CHIUSA
