"""The provvedimento: drafted from the final graduatoria, approved by a second operator (the drafter is refused, and
the database refuses it too), rendered to PDF and hashed, queued for the outgoing protocol (the callback fills its
number; an outage loses nothing), and on approval every domanda gets its outcome and one notification is queued."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cse.bandi.models import Domanda, Notifica, Provvedimento
from cse.bandi.provvedimento import actions as provv
from cse.bandi.selectors import beneficiari, is_beneficiario
from cse.core.models import OutboxEvent, RichiestaProtocollo
from cse.core.protocollo import protocollo_registra_in_coda
from tests.support.bandi import ports
from tests.support.factories import OperatoreFactory
from tests.support.provvedimenti import (
    TESTO,
    approvato_e_protocollato,
    graduatoria_definitiva,
    secondo_responsabile,
    sottoposto,
)

pytestmark = pytest.mark.django_db

CONTATTI = [{"consenso_app_io": True}, {"email": "richiedente@example.org"}, None, None]


@pytest.fixture
def scenario(comune, responsabile):
    return graduatoria_definitiva(comune, responsabile, CONTATTI)


def test_the_drafter_cannot_approve_their_own_provvedimento(scenario, responsabile):
    bando, graduatoria, _ = scenario
    p = sottoposto(bando, graduatoria, responsabile)
    with pytest.raises(ValidationError, match="serve un secondo operatore"):
        provv.provvedimento_approve(provvedimento=p, by=responsabile)
    p.refresh_from_db()
    assert p.stato == "in_approvazione" and p.approvato_da is None and not p.notifiche.exists()


def test_the_database_refuses_the_same_approver_and_drafter_whatever_writes(scenario, responsabile):
    bando, graduatoria, _ = scenario
    p = sottoposto(bando, graduatoria, responsabile)
    with pytest.raises(IntegrityError), transaction.atomic():
        Provvedimento.objects.filter(pk=p.pk).update(approvato_da=responsabile)


def test_an_operator_without_the_approval_capability_is_refused(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = sottoposto(bando, graduatoria, responsabile)
    istruttore = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        provv.provvedimento_approve(provvedimento=p, by=istruttore)


def test_the_pdf_is_rendered_after_submission_and_its_hash_recorded(scenario, responsabile):
    bando, graduatoria, _ = scenario
    p = sottoposto(bando, graduatoria, responsabile)
    content = p.pdf.open("rb").read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == p.sha256
    assert OutboxEvent.objects.filter(event_type="provvedimento.documento_pronto", aggregate_id=p.pk).exists()


def test_approval_waits_for_the_pdf_that_the_worker_renders_off_the_request(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = provv.provvedimento_draft(
        bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=responsabile, oggetto="Esiti", testo=TESTO
    )
    p = provv.provvedimento_submit(provvedimento=p, by=responsabile)  # the queued render has not run yet
    assert p.stato == "in_approvazione" and not p.sha256 and not p.pdf
    with pytest.raises(ValidationError, match="in preparazione"):
        provv.provvedimento_approve(provvedimento=p, by=secondo_responsabile(comune))
    assert provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=p.documento_richiesta)
    assert not provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=p.documento_richiesta)
    p.refresh_from_db()
    assert provv.provvedimento_approve(provvedimento=p, by=secondo_responsabile(comune)).stato == "approvato"


def test_a_render_for_an_earlier_submission_is_never_approved_as_the_current_one(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = provv.provvedimento_draft(
        bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=responsabile, oggetto="Esiti", testo=TESTO
    )
    first = provv.provvedimento_submit(provvedimento=p, by=responsabile).documento_richiesta
    p = provv.provvedimento_send_back(provvedimento=p, by=secondo_responsabile(comune), reason="Citare la delibera.")
    p = provv.provvedimento_update(provvedimento=p, by=responsabile, oggetto="Esiti", testo=TESTO + " Delibera 12.")
    second = provv.provvedimento_submit(provvedimento=p, by=responsabile).documento_richiesta
    assert not provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=first)
    p.refresh_from_db()
    assert not p.sha256 and not p.pdf  # the earlier submission's render is discarded, not stored
    assert provv.provvedimento_document_render(provvedimento_id=p.pk, richiesta=second)
    p.refresh_from_db()
    assert p.sha256 and p.pdf


def test_a_provvedimento_sent_back_returns_to_draft_with_the_reason(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = sottoposto(bando, graduatoria, responsabile)
    with pytest.raises(ValidationError, match="motivo"):
        provv.provvedimento_send_back(provvedimento=p, by=secondo_responsabile(comune), reason=" ")
    p = provv.provvedimento_send_back(provvedimento=p, by=secondo_responsabile(comune), reason="Citare la delibera.")
    assert p.stato == "bozza" and p.motivo_rifiuto == "Citare la delibera."
    p = provv.provvedimento_update(provvedimento=p, by=responsabile, oggetto=p.oggetto, testo=TESTO + " Delibera 12.")
    assert provv.provvedimento_submit(provvedimento=p, by=responsabile).stato == "in_approvazione"


def test_approval_gives_each_domanda_its_outcome_and_queues_one_notification_each(scenario, comune, responsabile):
    bando, graduatoria, (a, b, c, d) = scenario
    p = provv.provvedimento_approve(
        provvedimento=sottoposto(bando, graduatoria, responsabile), by=secondo_responsabile(comune)
    )
    stati = dict(Domanda.objects.filter(pk__in=[a.pk, b.pk, c.pk, d.pk]).values_list("pk", "stato"))
    assert stati == {a.pk: "finanziata", b.pk: "finanziata", c.pk: "non_finanziata", d.pk: "non_ammessa"}
    canali = dict(Notifica.objects.filter(provvedimento=p).values_list("domanda_id", "canale"))
    assert canali == {a.pk: "app_io", b.pk: "email", c.pk: "lettera", d.pk: "lettera"}
    assert set(Notifica.objects.filter(provvedimento=p, canale="lettera").values_list("stato", flat=True)) == {
        "da_stampare"
    }
    decise = OutboxEvent.objects.filter(aggregate_type="bandi.domanda", event_type="domanda.decisa")
    assert decise.count() == 4
    assert a.history.first().stato == "finanziata"  # the outcome is on the domanda's history
    assert [x.pk for x in beneficiari(bando)] == [a.pk, b.pk]
    assert is_beneficiario(Domanda.objects.get(pk=a.pk)) and not is_beneficiario(Domanda.objects.get(pk=c.pk))


def test_before_approval_nobody_is_a_beneficiary(scenario, responsabile):
    bando, graduatoria, (a, *_) = scenario
    sottoposto(bando, graduatoria, responsabile)
    assert list(beneficiari(bando)) == [] and not is_beneficiario(a)


def test_the_protocol_callback_fills_the_number_and_an_outage_loses_nothing(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = provv.provvedimento_approve(
        provvedimento=sottoposto(bando, graduatoria, responsabile), by=secondo_responsabile(comune)
    )
    richiesta = RichiestaProtocollo.objects.get(chiave=f"bandi/provvedimento-{p.pk}")
    assert richiesta.verso == "uscita" and richiesta.sha256 == p.sha256
    with ports(protocollo="ProtocolloGiu"):
        protocollo_registra_in_coda()
    p.refresh_from_db()
    assert p.protocollo_numero == "" and RichiestaProtocollo.objects.get(pk=richiesta.pk).stato == "in_coda"
    with ports(protocollo="ProtocolloInMemoria"):
        protocollo_registra_in_coda(now=timezone.now() + timedelta(hours=2))
    p.refresh_from_db()
    assert p.protocollo_numero and p.protocollo_segnatura
    assert OutboxEvent.objects.filter(event_type="provvedimento.protocollato", aggregate_id=p.pk).count() == 1


def test_an_approved_provvedimento_is_never_edited(scenario, comune, responsabile):
    bando, graduatoria, _ = scenario
    p = approvato_e_protocollato(bando, graduatoria, responsabile, secondo_responsabile(comune))
    p.testo = "Altro testo"
    with pytest.raises(ValidationError, match="non si modifica"):
        p.save()


def test_a_second_provvedimento_for_the_same_graduatoria_is_refused(scenario, responsabile):
    bando, graduatoria, _ = scenario
    sottoposto(bando, graduatoria, responsabile)
    with pytest.raises(ValidationError, match="esiste già"):
        provv.provvedimento_draft(
            bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=responsabile, oggetto="Bis", testo=TESTO
        )


def test_a_provvedimento_is_drafted_only_on_the_final_graduatoria(comune, responsabile):
    from cse.bandi import actions
    from tests.support.bandi import close_window, istruita, make_bando

    bando = make_bando(comune, responsabile)
    istruita(bando, responsabile, isee="4000")
    bando = close_window(bando, responsabile)
    provvisoria = actions.graduatoria_compute(bando=bando, by=responsabile)
    with pytest.raises(ValidationError, match="graduatoria definitiva"):
        provv.provvedimento_draft(
            bando=bando, tipo="graduatoria", graduatoria=provvisoria, by=responsabile, oggetto="X", testo=TESTO
        )
