"""Approvals (four eyes): an ente decides which actions need a second operator with a given role. A gated action
waits as a request; approving runs it once, in the approval's transaction; the requester never decides; a stale
case, a wrong role or a foreign ente is refused; rejecting needs a reason; everything leaves history and events."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from cse.cartella.actions.approvazioni import (
    approvazione_approve,
    approvazione_reject,
    approvazione_withdraw,
    transizione_o_richiesta,
    trasferimento_o_richiesta,
    unione_o_richiesta,
)
from cse.cartella.actions.fasi import intervento_plan, phase_record_save
from cse.cartella.approvazioni import approvals_waiting_for
from cse.cartella.fasi import Transizione, VoceDiario
from cse.cartella.glossary import AzioneApprovabile as AZ
from cse.cartella.glossary import StatoApprovazione as A
from cse.cartella.glossary import StatoCartella as S
from cse.cartella.models import Cartella, RichiestaApprovazione, RichiestaTrasferimento
from cse.core.models import OutboxEvent
from tests.support.approvazioni import require_approval, twin_of
from tests.support.casework import complete_record, fill_for_next, sad, walk_case_to
from tests.support.factories import ComuneEnteFactory, OperatoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def responsabile(comune):
    return OperatoreFactory(ente=comune, ruolo="responsabile")


@pytest.fixture
def ready_to_close(case, worker):
    """A case in erogazione with everything its closing step asks for."""
    case = walk_case_to(case, S.EROGAZIONE, by=worker)
    fill_for_next(case, by=worker)
    case.refresh_from_db()
    return case


def _events(model_label: str, pk: int) -> list[str]:
    rows = OutboxEvent.objects.filter(aggregate_type=model_label, aggregate_id=pk).order_by("sequence")
    return list(rows.values_list("event_type", flat=True))


def _closings(case) -> int:
    return Transizione.objects.filter(cartella=case, a_stato=S.CHIUSA).count()


def test_a_gated_closing_waits_for_the_responsabile_and_runs_exactly_once(
    comune, worker, responsabile, ready_to_close, django_capture_on_commit_callbacks
):
    require_approval(comune, AZ.CHIUSURA)
    case = ready_to_close

    with django_capture_on_commit_callbacks(execute=True):
        esito = transizione_o_richiesta(cartella=case, target=S.CHIUSA, by=worker, version=case.version)

    assert esito.in_attesa
    richiesta = esito.richiesta
    case.refresh_from_db()
    assert case.stato == S.EROGAZIONE and _closings(case) == 0  # nothing happened yet
    assert richiesta.stato == A.IN_ATTESA and richiesta.ruolo_approvatore == "responsabile"
    assert richiesta.versione_oggetto == case.version
    assert _events("cartella.richiestaapprovazione", richiesta.pk) == ["approvazione.richiesta"]
    assert [m.to for m in mail.outbox if "approvazione" in m.subject] == [[responsabile.email]]
    assert case.assistito.cognome not in mail.outbox[-1].body and case.numero not in mail.outbox[-1].body

    approvazione_approve(richiesta=richiesta, by=responsabile)

    case.refresh_from_db()
    richiesta.refresh_from_db()
    assert case.stato == S.CHIUSA and _closings(case) == 1
    assert richiesta.stato == A.APPROVATA and richiesta.decisa_da == responsabile and richiesta.decisa_il
    assert Transizione.objects.get(cartella=case, a_stato=S.CHIUSA).by == worker  # the requester's action
    assert _events("cartella.richiestaapprovazione", richiesta.pk)[-1] == "approvazione.approvata"
    assert _events("cartella.cartella", case.pk).count("cartella.fase_cambiata") == 4

    with pytest.raises(ValidationError, match="già «Approvata"):
        approvazione_approve(richiesta=richiesta, by=responsabile)
    assert _closings(case) == 1


def test_history_and_diary_record_request_and_decision(comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    approvazione_approve(richiesta=richiesta, by=responsabile)

    history = list(richiesta.history.order_by("history_date"))
    assert [h.stato for h in history] == [A.IN_ATTESA, A.APPROVATA]
    assert [h.history_user for h in history] == [worker, responsabile]
    assert history[-1].history_change_reason.startswith("Approva")
    diary = list(VoceDiario.objects.filter(cartella=ready_to_close).values_list("testo", flat=True))
    assert any(t.startswith("Chiesta l'approvazione") for t in diary)
    assert any(t.startswith("Approvato") for t in diary)


def test_the_requester_can_never_approve_even_with_the_role(comune, responsabile, case):
    require_approval(comune, AZ.CHIUSURA)
    fill_for_next(case, by=responsabile)  # access only, closing after information
    phase_record_save(
        cartella=case,
        record="scheda_accesso",
        data={**complete_record("scheda_accesso"), "esito": "informazione"},
        by=responsabile,
        version=None,
    )
    phase_record_save(cartella=case, record="chiusura", data={"motivo": "obiettivi"}, by=responsabile, version=None)
    richiesta = transizione_o_richiesta(cartella=case, target=S.CHIUSA, by=responsabile).richiesta

    with pytest.raises(ValidationError, match="seconda persona"):
        approvazione_approve(richiesta=richiesta, by=responsabile)
    with pytest.raises(ValidationError, match="seconda persona"):
        approvazione_reject(richiesta=richiesta, by=responsabile, motivo="Non serve")

    # the database refuses it too, whatever the code path
    with pytest.raises(IntegrityError), transaction.atomic():
        RichiestaApprovazione.objects.filter(pk=richiesta.pk).update(decisa_da=responsabile)
    case.refresh_from_db()
    assert case.stato == S.ACCESSO


def test_a_wrong_role_or_another_ente_cannot_decide(comune, worker, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    colleague = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    foreign = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="responsabile")

    for outsider in (colleague, foreign):
        with pytest.raises(ValidationError, match="ruolo indicato"):
            approvazione_approve(richiesta=richiesta, by=outsider)
        assert approvals_waiting_for(outsider)[0] == 0
    richiesta.refresh_from_db()
    assert richiesta.stato == A.IN_ATTESA


def test_a_case_changed_after_the_request_cannot_be_approved(comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    changed = {**complete_record("chiusura"), "valutazione_finale": "Rivista dopo la richiesta"}
    phase_record_save(cartella=ready_to_close, record="chiusura", data=changed, by=worker, version=None)

    with pytest.raises(ValidationError, match="modificata dopo la richiesta"):
        approvazione_approve(richiesta=richiesta, by=responsabile)

    ready_to_close.refresh_from_db()
    richiesta.refresh_from_db()
    assert ready_to_close.stato == S.EROGAZIONE and richiesta.stato == A.IN_ATTESA
    assert "approvazione.approvata" not in _events("cartella.richiestaapprovazione", richiesta.pk)


def test_rejecting_needs_a_reason_and_leaves_the_case_as_it_was(comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta

    with pytest.raises(ValidationError, match="Indicare il motivo"):
        approvazione_reject(richiesta=richiesta, by=responsabile, motivo="  ")
    approvazione_reject(richiesta=richiesta, by=responsabile, motivo="Manca la verifica con la famiglia")

    richiesta.refresh_from_db()
    ready_to_close.refresh_from_db()
    assert richiesta.stato == A.RESPINTA and richiesta.motivo_decisione == "Manca la verifica con la famiglia"
    assert ready_to_close.stato == S.EROGAZIONE
    assert _events("cartella.richiestaapprovazione", richiesta.pk)[-1] == "approvazione.respinta"
    # once decided, the case may be asked again
    again = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker)
    assert again.in_attesa and again.richiesta.pk != richiesta.pk


def test_the_same_action_cannot_wait_twice(comune, worker, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker)
    with pytest.raises(ValidationError, match="già una richiesta in attesa"):
        transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker)
    assert RichiestaApprovazione.objects.filter(cartella=ready_to_close).count() == 1


def test_a_request_the_action_would_refuse_is_refused_at_once(comune, worker, case):
    """The trial run: a case missing its final assessment cannot even be sent for approval."""
    require_approval(comune, AZ.CHIUSURA)
    case = walk_case_to(case, S.EROGAZIONE, by=worker)
    with pytest.raises(ValidationError, match="manca la valutazione finale"):
        transizione_o_richiesta(cartella=case, target=S.CHIUSA, by=worker)
    assert not RichiestaApprovazione.objects.exists()
    case.refresh_from_db()
    assert case.stato == S.EROGAZIONE


def test_an_ente_without_rules_acts_at_once(comune, worker, ready_to_close):
    require_approval(ComuneEnteFactory(), AZ.CHIUSURA)  # another ente's rule does not apply here
    esito = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker)
    assert not esito.in_attesa and esito.risultato.stato == S.CHIUSA
    assert not RichiestaApprovazione.objects.exists()


def test_the_requester_may_withdraw_and_nobody_else(comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    with pytest.raises(ValidationError, match="Solo chi ha chiesto"):
        approvazione_withdraw(richiesta=richiesta, by=responsabile)
    approvazione_withdraw(richiesta=richiesta, by=worker)
    richiesta.refresh_from_db()
    assert richiesta.stato == A.RITIRATA and richiesta.decisa_da is None


def _project_with_amount(case, worker, importo: str):
    case = walk_case_to(case, S.PROGETTO, by=worker)
    fill_for_next(case, by=worker)
    data = {"voce": sad(), "importo_previsto": Decimal(importo), "fonte": "fnps"}
    intervento_plan(cartella=case, data=data, by=worker, version=None)
    case.refresh_from_db()
    return case


def test_a_project_needs_approval_only_above_the_threshold(comune, worker, responsabile, person):
    require_approval(comune, AZ.AVVIO_PROGETTO, soglia="1000.00")
    from tests.support.factories import CartellaFactory

    small = _project_with_amount(CartellaFactory(assistito=person, by=worker), worker, "400.00")
    assert not transizione_o_richiesta(cartella=small, target=S.EROGAZIONE, by=worker).in_attesa

    large = _project_with_amount(CartellaFactory(assistito=person, by=worker), worker, "1500.00")
    esito = transizione_o_richiesta(cartella=large, target=S.EROGAZIONE, by=worker)
    assert esito.in_attesa and esito.richiesta.importo == Decimal("1500.00")
    large.refresh_from_db()
    assert large.stato == S.PROGETTO
    approvazione_approve(richiesta=esito.richiesta, by=responsabile)
    large.refresh_from_db()
    assert large.stato == S.EROGAZIONE


def test_a_gated_transfer_reaches_the_ambito_only_when_approved(comune, worker, responsabile, case):
    require_approval(comune, AZ.TRASFERIMENTO)
    esito = trasferimento_o_richiesta(cartella=case, motivo="Bisogno complesso: serve la UVM", by=worker)
    assert esito.in_attesa and not RichiestaTrasferimento.objects.exists()

    approvazione_approve(richiesta=esito.richiesta, by=responsabile)

    trasferimento = RichiestaTrasferimento.objects.get(cartella=case)
    assert trasferimento.richiesto_da == worker and trasferimento.motivo == "Bisogno complesso: serve la UVM"


def test_a_gated_merge_happens_only_when_approved(comune, worker, responsabile, person):
    require_approval(comune, AZ.UNIONE)
    twin = twin_of(person)
    esito = unione_o_richiesta(keep=person, duplicate=twin, by=worker, reason="Registrata due volte allo sportello")
    twin.refresh_from_db()
    assert esito.in_attesa and twin.unito_a_id is None

    approvazione_approve(richiesta=esito.richiesta, by=responsabile)
    twin.refresh_from_db()
    assert twin.unito_a_id == person.pk


def test_a_merge_whose_duplicate_changed_is_refused(comune, worker, responsabile, person):
    from cse.cartella.actions.assistito import assistito_update

    require_approval(comune, AZ.UNIONE)
    twin = twin_of(person)
    richiesta = unione_o_richiesta(keep=person, duplicate=twin, by=worker, reason="Doppione").richiesta
    assistito_update(assistito=twin, data={"telefono": "0801234567"}, by=worker, version=None)
    with pytest.raises(ValidationError, match="modificata dopo la richiesta"):
        approvazione_approve(richiesta=richiesta, by=responsabile)


def test_approvals_waiting_for_counts_what_the_user_may_decide(comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    assert approvals_waiting_for(responsabile)[0] == 0
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    count, waiting = approvals_waiting_for(responsabile)
    assert count == 1 and list(waiting) == [richiesta]
    assert approvals_waiting_for(worker)[0] == 0  # not an approver (and the requester)


# --- pages --------------------------------------------------------------------------------------------------------


def test_the_case_page_shows_the_pending_request_and_the_approver_decides_from_the_list(
    client_for, comune, worker, responsabile, ready_to_close
):
    require_approval(comune, AZ.CHIUSURA)
    client = client_for(worker)
    response = client.post(
        reverse("locale:transizione", kwargs={"pk": ready_to_close.pk}),
        {"target": S.CHIUSA, "version": ready_to_close.version, "conferma": "1"},
    )
    assert response.status_code == 302
    richiesta = RichiestaApprovazione.objects.get(cartella=ready_to_close)
    page = client.get(reverse("locale:cartella_detail", kwargs={"pk": ready_to_close.pk})).content.decode()
    assert "In attesa di approvazione" in page and reverse("approvazione", kwargs={"pk": richiesta.pk}) in page

    client = client_for(responsabile)
    listing = client.get(reverse("approvazioni")).content.decode()
    assert reverse("approvazione", kwargs={"pk": richiesta.pk}) in listing
    detail = reverse("approvazione", kwargs={"pk": richiesta.pk})
    assert client.post(detail, {"passo": "approva"}).status_code == 302
    assert Cartella.objects.get(pk=ready_to_close.pk).stato == S.CHIUSA


def test_reject_without_reason_shows_the_error_on_the_page(client_for, comune, worker, responsabile, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    client = client_for(responsabile)
    response = client.post(reverse("approvazione", kwargs={"pk": richiesta.pk}), {"passo": "respingi", "motivo": ""})
    assert response.status_code == 200 and "Indicare il motivo" in response.content.decode()
    richiesta.refresh_from_db()
    assert richiesta.stato == A.IN_ATTESA


def test_a_foreign_ente_gets_404_on_the_request(client_for, comune, worker, ready_to_close):
    require_approval(comune, AZ.CHIUSURA)
    richiesta = transizione_o_richiesta(cartella=ready_to_close, target=S.CHIUSA, by=worker).richiesta
    foreign = OperatoreFactory(ente=ComuneEnteFactory(), ruolo="responsabile")
    client = client_for(foreign)
    detail = reverse("approvazione", kwargs={"pk": richiesta.pk})
    assert client.get(detail).status_code == 404
    assert client.post(detail, {"passo": "approva"}).status_code == 404
    assert detail not in client.get(reverse("approvazioni")).content.decode()


def test_the_administrator_configures_the_rules_of_their_ente_only(client_for, comune):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    client = client_for(admin)
    url = reverse("ente_approvazioni", kwargs={"pk": comune.pk})
    assert client.get(url).status_code == 200
    data = {
        "chiusura-attiva": "on",
        "chiusura-ruolo_approvatore": "responsabile",
        "avvio_progetto-ruolo_approvatore": "responsabile",
        "avvio_progetto-soglia": "2500.00",
        "avvio_progetto-attiva": "on",
        "trasferimento-ruolo_approvatore": "responsabile",
        "unione-ruolo_approvatore": "responsabile",
    }
    assert client.post(url, data).status_code == 302
    rules = {r.azione: r for r in comune.regole_approvazione.all()}
    assert set(rules) == {AZ.CHIUSURA, AZ.AVVIO_PROGETTO} and rules[AZ.AVVIO_PROGETTO].soglia == Decimal("2500.00")
    assert _events("cartella.regolaapprovazione", rules[AZ.CHIUSURA].pk) == ["approvazione.regola_aggiornata"]

    other = ComuneEnteFactory()
    assert client.get(reverse("ente_approvazioni", kwargs={"pk": other.pk})).status_code == 404
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    assert client_for(worker).get(url).status_code == 404


def test_the_recommended_configuration_is_one_click(client_for, comune):
    admin = OperatoreFactory(ente=comune, ruolo="amministratore_ente")
    url = reverse("ente_approvazioni", kwargs={"pk": comune.pk})
    form = {f"{a}-ruolo_approvatore": "responsabile" for a in AZ.values}
    assert client_for(admin).post(url, {**form, "predefinite": "1"}).status_code == 302
    assert set(comune.regole_approvazione.filter(attiva=True).values_list("azione", flat=True)) == set(AZ.values)
