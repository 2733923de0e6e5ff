"""A stateful property test over the services (not the views): the case workflow, the ownership transfer between a
comune and its ambito, and citizens' bookings, driven by Hypothesis in random order with random (often wrong)
actors and data. After every step the invariants must hold:

- every case has exactly one owner, the person's comune or that comune's ambito, and at most one open transfer;
- every phase change has its Transizione row, a history row with the new phase and an outbox event; the per-case
  outbox sequence has no gaps;
- no slot holds more active bookings than its places, and a citizen never holds two bookings at the same time;
- a refused step (guard, wrong actor, stale or closed case, taken slot) writes nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from cse.cartella.actions.cartella import cartella_open, cartella_reopen, cartella_transition
from cse.cartella.actions.fasi import intervento_plan, phase_record_save, prestazione_end, prestazione_register
from cse.cartella.actions.trasferimento import (
    trasferimento_accept,
    trasferimento_hand_back,
    trasferimento_reject,
    trasferimento_request,
)
from cse.cartella.fasi import (
    Chiusura,
    InterventoPianificato,
    Prestazione,
    Progetto,
    SchedaAccesso,
    Transizione,
    Valutazione,
    VoceDiario,
    VoceNomenclatore,
)
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.glossary import StatoTrasferimento as T
from cse.cartella.models import Cartella, CartellaUserObjectPermission, RichiestaTrasferimento
from cse.cittadino.agenda import Prenotazione, Slot
from cse.cittadino.glossary import Argomento, StatoPrenotazione
from cse.cittadino.services import cittadino_ensure, prenotazione_cancel, prenotazione_create, prenotazione_move
from cse.core.models import OutboxEvent
from cse.core.roles import TipoEnte
from cse.demo.synthetic import generate_people
from tests.support.agenda import open_day
from tests.support.ambito import ambito_case
from tests.support.ambito_work import pending_transfer
from tests.support.casework import complete_record
from tests.support.factories import AssistitoFactory, CartellaFactory, OperatoreFactory, make_sportello
from tests.support.places import foreign_ambito, foreign_comune, home_ambito, home_comune, neighbour_comune

pytestmark = pytest.mark.django_db

CASE = "cartella.cartella"
HOLDING = (StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA)  # a person is expected there
# Who tries the transfer steps: the right people and the wrong ones (another comune, another ambito, no capability).
ACTORS = [
    ("comune", "assistente_sociale"),
    ("comune", "segretariato"),
    ("neighbour", "assistente_sociale"),  # another comune of the same ambito
    ("foreign", "assistente_sociale"),  # a comune of another ambito
    ("ambito", "ufficio_di_piano"),
    ("ambito", "coordinatore_uvm"),
    ("foreign_ambito", "ufficio_di_piano"),
]
COMUNI = ["comune", "neighbour", "foreign"]
WRITTEN = [
    Cartella,
    Cartella.history.model,
    Transizione,
    VoceDiario,
    OutboxEvent,
    RichiestaTrasferimento,
    RichiestaTrasferimento.history.model,
    SchedaAccesso,
    Valutazione,
    Progetto,
    InterventoPianificato,
    Prestazione,
    Chiusura,
    CartellaUserObjectPermission,
    Prenotazione,
    Prenotazione.history.model,
]


def everything_written():
    """What a refused step must leave untouched: row counts and the moving parts of cases, requests and bookings."""
    return (
        tuple(model.objects.count() for model in WRITTEN),
        tuple(
            Cartella.objects.order_by("pk").values_list("pk", "stato", "owner_ente_id", "version", "case_manager_id")
        ),
        tuple(RichiestaTrasferimento.objects.order_by("pk").values_list("pk", "stato")),
        tuple(Prenotazione.objects.order_by("pk").values_list("pk", "stato", "slot_id")),
    )


@dataclass
class Scene:
    """Two ambiti: the home one with the comune and a neighbour comune, another one with a foreign comune; the
    operators of ACTORS; one person with a case in each comune, a second case of the comune's person held by the
    ambito, and a pending transfer request of the neighbour's case."""

    enti: dict
    users: dict
    assistiti: dict
    cases: list

    def user(self, ente_key: str, ruolo: str):
        return self.users[(ente_key, ruolo)]


@pytest.fixture
def scene() -> Scene:
    enti = {
        "comune": home_comune(),
        "neighbour": neighbour_comune(),
        "foreign": foreign_comune(),
        "ambito": home_ambito(),
        "foreign_ambito": foreign_ambito(),
    }
    users = {(key, ruolo): OperatoreFactory(ente=enti[key], ruolo=ruolo) for key, ruolo in ACTORS}
    assistiti = {key: AssistitoFactory(ente=enti[key]) for key in COMUNI}
    cases = {key: CartellaFactory(assistito=assistiti[key], by=users[(key, "assistente_sociale")]) for key in COMUNI}
    manager = users[("comune", "assistente_sociale")]
    at_ambito = ambito_case(assistiti["comune"], by=manager)
    pending_transfer(cases["neighbour"], by=users[("neighbour", "assistente_sociale")])
    return Scene(enti=enti, users=users, assistiti=assistiti, cases=[*cases.values(), at_ambito])


@pytest.fixture
def booking_pool(scene):
    """Two front offices of the comune, one with one place per time and one with two: three places at the same
    times. The pool is the slots of the first two working days at least two days ahead (beyond the cancellation
    cut-off; national holidays have no slots)."""
    make_sportello(scene.enti["comune"])
    extra = make_sportello(scene.enti["comune"], nome="Sportello centro", posti=2)
    first_day = open_day(at_least_days=2)
    second_day = open_day(at_least_days=(first_day - timezone.localdate()).days + 1)
    slots = Slot.objects.filter(
        sportello__ente=scene.enti["comune"],
        sportello__in=[extra, *extra.ente.sportelli.all()],
        inizio__date__in=[first_day, second_day],
        inizio__time__lt="10:00",
    ).order_by("inizio", "sportello", "posto")
    people = generate_people(3, birthplaces=["F284"], seed=8080)
    citizens = [
        cittadino_ensure(codice_fiscale=p.codice_fiscale, nome=p.nome, cognome=p.cognome, email=f"c{i}@example.invalid")
        for i, p in enumerate(people)
    ]
    return list(slots), citizens


def test_cases_transfers_and_bookings_keep_their_invariants(scene, booking_pool):
    slots, citizens = booking_pool
    assert len(slots) >= 12
    run_state_machine_as_test(
        lambda: CaseMachine(scene, slots, citizens),
        settings=settings(
            max_examples=6,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


class CaseMachine(RuleBasedStateMachine):
    def __init__(self, scene, slots, citizens):
        super().__init__()
        self.scene, self.slots, self.citizens = scene, slots, citizens
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # every example starts from the same scene and is rolled back at teardown
        self.cases = [c.pk for c in scene.cases]
        self.voce = VoceNomenclatore.objects.get(codice="A2.07")

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ------------------------------------------------------------------------------------------------

    def _case(self, i: int) -> Cartella:
        return Cartella.objects.select_related("assistito__owner_ente__comune").get(pk=self.cases[i % len(self.cases)])

    def _attempt(self, step, *args, **kwargs):
        """Run a service; if it refuses, nothing at all may have been written."""
        before = everything_written()
        try:
            return step(*args, **kwargs)
        except ValidationError:
            assert everything_written() == before, f"{step.__name__} refused but wrote something"
            return None

    def _worker(self, cartella: Cartella):
        return cartella.case_manager

    # --- the case workflow --------------------------------------------------------------------------------------

    @precondition(lambda self: len(self.cases) < 10)
    @rule(key=st.sampled_from(COMUNI))
    def open_case(self, key):
        case = cartella_open(assistito=self.scene.assistiti[key], by=self.scene.user(key, "assistente_sociale"))
        self.cases.append(case.pk)

    @rule(i=st.integers(0, 50), complete=st.booleans(), esito=st.sampled_from(["presa_in_carico", "informazione", ""]))
    def fill_phase_record(self, i, complete, esito):
        """Fill (completely or partly) what the current phase needs to move on; sometimes the wrong record."""
        case = self._case(i)
        by = self._worker(case)
        save = phase_record_save
        if case.stato == S.ACCESSO:
            data = complete_record("scheda_accesso") if complete else {"richiesta": "Aiuto"}
            self._attempt(
                save, cartella=case, record="scheda_accesso", data={**data, "esito": esito}, by=by, version=None
            )
            if esito == "informazione":
                self._attempt(
                    save,
                    cartella=case,
                    record="chiusura",
                    data={"motivo": "informazione", "esito_obiettivi": "non_applicabile"},
                    by=by,
                    version=None,
                )
        elif case.stato == S.VALUTAZIONE:
            data = complete_record("valutazione") if complete else {"economica": 1}
            self._attempt(save, cartella=case, record="valutazione", data=data, by=by, version=None)
        elif case.stato == S.PROGETTO:
            data = complete_record("progetto") if complete else {"obiettivi": "Autonomia"}
            self._attempt(save, cartella=case, record="progetto", data=data, by=by, version=None)
            if complete:
                self._attempt(
                    intervento_plan,
                    cartella=case,
                    data={"voce": self.voce, "ore_previste": Decimal("10"), "fonte": "fnps"},
                    by=by,
                    version=None,
                )
        elif case.stato == S.EROGAZIONE:
            prestazione = self._attempt(
                prestazione_register,
                cartella=case,
                data={
                    "voce": self.voce,
                    "carattere": 1,
                    "data_inizio": date.today() - timedelta(days=30),
                    "quantita": Decimal("10"),
                    "unita": "ore",
                    "importo": Decimal("200.00"),
                    "fonte": "fnps",
                    "erogatore": "Cooperativa",
                },
                by=by,
                version=None,
            )
            if prestazione and complete:
                self._attempt(prestazione_end, prestazione=prestazione, data_fine=date.today(), by=by, version=None)
                self._attempt(
                    save, cartella=case, record="chiusura", data=complete_record("chiusura"), by=by, version=None
                )
        else:  # closed: every record is refused
            self._attempt(save, cartella=case, record="chiusura", data={"follow_up": "telefonata"}, by=by, version=None)

    @rule(i=st.integers(0, 50), to=st.sampled_from(S.values), stale=st.booleans())
    def transition(self, i, to, stale):
        case = self._case(i)
        version = case.version - 1 if stale else case.version
        moved = self._attempt(cartella_transition, cartella=case, target=to, by=self._worker(case), version=version)
        if moved is not None:
            assert not stale and (case.stato, to) in {
                (S.ACCESSO, S.VALUTAZIONE),
                (S.ACCESSO, S.CHIUSA),
                (S.VALUTAZIONE, S.PROGETTO),
                (S.PROGETTO, S.EROGAZIONE),
                (S.EROGAZIONE, S.CHIUSA),
            }

    @rule(i=st.integers(0, 50))
    def reopen(self, i):
        case = self._case(i)
        new = self._attempt(cartella_reopen, cartella=case, by=self._worker(case))
        if new is not None:
            assert case.stato == S.CHIUSA
            self.cases.append(new.pk)

    # --- ownership transfer -------------------------------------------------------------------------------------

    @rule(i=st.integers(0, 50), actor=st.sampled_from(ACTORS), motivo=st.sampled_from(["caso complesso", "  "]))
    def request_transfer(self, i, actor, motivo):
        self._attempt(trasferimento_request, cartella=self._case(i), motivo=motivo, by=self.scene.user(*actor))

    @rule(
        i=st.integers(0, 50),
        step=st.sampled_from(["accept", "reject", "hand_back"]),
        actor=st.sampled_from(ACTORS),
        motivo=st.sampled_from(["fase complessa conclusa", ""]),
    )
    def decide_transfer(self, i, step, actor, motivo):
        richieste = list(RichiestaTrasferimento.objects.order_by("pk"))
        if not richieste:
            return
        richiesta = richieste[i % len(richieste)]
        by = self.scene.user(*actor)
        if step == "accept":
            self._attempt(trasferimento_accept, richiesta=richiesta, by=by, nota=motivo)
        elif step == "reject":
            self._attempt(trasferimento_reject, richiesta=richiesta, by=by, motivo=motivo)
        else:
            self._attempt(trasferimento_hand_back, richiesta=richiesta, by=by, motivo=motivo)

    # --- bookings -----------------------------------------------------------------------------------------------

    @rule(c=st.integers(0, 2), s=st.integers(0, 100))
    def book(self, c, s):
        citizen = self.citizens[c]
        self._attempt(
            prenotazione_create,
            slot_id=self.slots[s % len(self.slots)].pk,
            nome=citizen.nome,
            cognome=citizen.cognome,
            email=citizen.email,
            comune_residenza=self.scene.enti["comune"].comune,
            argomento=Argomento.INFORMAZIONI,
            motivo="Informazioni",
            cittadino=citizen,
        )

    @rule(b=st.integers(0, 50), s=st.integers(0, 100), cancel=st.booleans())
    def change_booking(self, b, s, cancel):
        mine = list(Prenotazione.objects.filter(cittadino__in=self.citizens).order_by("pk"))
        if not mine:
            return
        prenotazione = mine[b % len(mine)]
        if cancel:
            self._attempt(prenotazione_cancel, prenotazione=prenotazione)
        else:
            self._attempt(prenotazione_move, prenotazione=prenotazione, slot_id=self.slots[s % len(self.slots)].pk)

    # --- invariants ---------------------------------------------------------------------------------------------

    @invariant()
    def one_owner_the_comune_or_its_ambito(self):
        for case in Cartella.objects.select_related("owner_ente", "assistito__owner_ente__comune__ambito__ente"):
            comune = case.assistito.owner_ente
            assert comune.tipo == TipoEnte.COMUNE
            assert case.owner_ente_id in {comune.pk, comune.comune.ambito.ente.pk}, case.numero
            open_requests = list(case.trasferimenti.filter(stato__in=[T.RICHIESTO, T.ACCETTATO]))
            assert len(open_requests) <= 1
            if open_requests and open_requests[0].stato == T.ACCETTATO:
                assert case.owner_ente.tipo == TipoEnte.AMBITO
            if open_requests and open_requests[0].stato == T.RICHIESTO:
                assert case.owner_ente_id == comune.pk

    @invariant()
    def every_phase_change_is_recorded(self):
        for case in Cartella.objects.all():
            steps = list(case.transizioni.order_by("id").values_list("da_stato", "a_stato"))
            chain = [S.ACCESSO] + [a for _, a in steps]
            assert [d for d, _ in steps] == chain[:-1], f"{case.numero}: transizioni non concatenate"
            assert chain[-1] == case.stato
            history = list(Cartella.history.filter(id=case.pk).order_by("history_id").values_list("stato", flat=True))
            changes = [b for a, b in zip(history, history[1:], strict=False) if a != b]
            assert history[0] == S.ACCESSO and changes == chain[1:], f"{case.numero}: storico {history}"
            events = OutboxEvent.objects.filter(aggregate_type=CASE, aggregate_id=case.pk)
            sequences = list(events.order_by("sequence").values_list("sequence", flat=True))
            assert sequences == list(range(1, len(sequences) + 1))
            phase_events = [
                (e["da"], e["a"])
                for e in events.filter(event_type="cartella.fase_cambiata")
                .order_by("sequence")
                .values_list("payload", flat=True)
            ]
            assert phase_events == steps

    @invariant()
    def no_overbooking_and_no_double_booking(self):
        active = Prenotazione.objects.filter(stato__in=HOLDING).select_related("slot")
        per_slot: dict[int, int] = {}
        for p in active:
            per_slot[p.slot_id] = per_slot.get(p.slot_id, 0) + 1
        assert all(n <= 1 for n in per_slot.values())  # a Slot row is one place
        for citizen in self.citizens:
            times = sorted((p.slot.inizio, p.slot.fine) for p in active if p.cittadino_id == citizen.pk)
            for (_, end), (start, _) in zip(times, times[1:], strict=False):
                assert start >= end, f"{citizen.codice_fiscale} ha due prenotazioni alla stessa ora"
