"""Riesame: a non-admitted (or not funded) applicant asks a review within giorni_riesame from the notification; the
istruttoria reopens (history, event), and only a new provvedimento of tipo riesame records its outcome. After the
deadline the request is refused with the date; a second riesame is refused too."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.bandi import actions
from cse.bandi.models import Domanda, Notifica
from cse.bandi.provvedimento import actions as provv
from cse.core.models import OutboxEvent
from tests.support.bandi import ports
from tests.support.provvedimenti import (
    TESTO,
    approvato_e_protocollato,
    graduatoria_definitiva,
    secondo_responsabile,
    submitted_and_rendered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deciso(comune, responsabile):
    """Three applicants: two funded, the third admitted but not funded, told by letter posted today."""
    bando, graduatoria, domande = graduatoria_definitiva(comune, responsabile, [None, None, None])
    p = approvato_e_protocollato(bando, graduatoria, responsabile, secondo_responsabile(comune))
    Notifica.objects.filter(provvedimento=p).update(stato="stampata", inviata_il=timezone.now())
    return bando, p, domande


def _applicant(domanda):
    from cse.cittadino.models import Cittadino

    return Cittadino.objects.get(codice_fiscale=domanda.codice_fiscale).user


def test_riesame_within_the_window_reopens_the_istruttoria(deciso):
    bando, p, (_, _, c) = deciso
    domanda = provv.riesame_request(domanda=c, by=_applicant(c), reason="Il punteggio non conta i figli a carico.")
    assert domanda.stato == "in_istruttoria" and domanda.riesame_motivo.startswith("Il punteggio")
    assert domanda.history.first().history_change_reason == "riesame chiesto: istruttoria riaperta"
    event = OutboxEvent.objects.get(
        aggregate_type="bandi.domanda", aggregate_id=c.pk, event_type="domanda.riesame_chiesto"
    )
    assert event.payload == {"provvedimento": p.pk}


def test_after_the_deadline_the_riesame_is_refused_with_the_date(deciso):
    bando, _, (_, _, c) = deciso
    later = timezone.now() + timedelta(days=bando.giorni_riesame, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later), pytest.raises(ValidationError) as refused:
        provv.riesame_request(domanda=c, by=_applicant(c), reason="Fuori tempo.")
    assert "termine per chiedere il riesame è scaduto" in refused.value.messages[0]
    assert Domanda.objects.get(pk=c.pk).stato == "non_finanziata"


def test_a_funded_applicant_or_someone_else_cannot_ask_it(deciso):
    _, _, (a, b, c) = deciso
    with pytest.raises(ValidationError, match="Nello stato"):
        provv.riesame_request(domanda=a, by=_applicant(a), reason="Perché no.")
    with pytest.raises(ValidationError, match="Non si è abilitati"):
        provv.riesame_request(domanda=c, by=_applicant(b), reason="Per un altro.")


def test_only_a_riesame_provvedimento_records_its_outcome_and_a_second_riesame_is_refused(deciso, comune, responsabile):
    bando, _, (_, _, c) = deciso
    provv.riesame_request(domanda=c, by=_applicant(c), reason="Rivedere il punteggio.")
    with pytest.raises(ValidationError, match="Nessun riesame concluso"):
        provv.provvedimento_draft(bando=bando, tipo="riesame", by=responsabile, oggetto="Riesame", testo=TESTO)
    actions.istruttoria_close(domanda=Domanda.objects.get(pk=c.pk), by=responsabile)
    p2 = provv.provvedimento_draft(bando=bando, tipo="riesame", by=responsabile, oggetto="Esito riesame", testo=TESTO)
    p2 = submitted_and_rendered(p2, responsabile)
    p2 = provv.provvedimento_approve(provvedimento=p2, by=secondo_responsabile(comune))
    assert Domanda.objects.get(pk=c.pk).stato == "non_finanziata"
    assert list(p2.notifiche.values_list("domanda_id", flat=True)) == [c.pk]
    with ports(protocollo="ProtocolloInMemoria"):
        from cse.core.protocollo import protocollo_registra_in_coda

        protocollo_registra_in_coda()
    Notifica.objects.filter(provvedimento=p2).update(stato="stampata", inviata_il=timezone.now())
    with pytest.raises(ValidationError, match="già stato chiesto"):
        provv.riesame_request(domanda=Domanda.objects.get(pk=c.pk), by=_applicant(c), reason="Ancora.")


def test_the_front_desk_records_a_riesame_asked_in_person(client, deciso, comune):
    from django.urls import reverse

    from tests.support.factories import OperatoreFactory

    _, _, (_, _, c) = deciso
    client.force_login(OperatoreFactory(ente=comune, ruolo="assistente_sociale"))
    url = reverse("bandi:domanda_azione", args=[c.pk])
    refused = client.post(url, {"azione": "riesame", "motivo": " "}, follow=True).content.decode()
    assert "Indicare i motivi" in refused and Domanda.objects.get(pk=c.pk).stato == "non_finanziata"
    client.post(url, {"azione": "riesame", "motivo": "Chiesto allo sportello."})
    assert Domanda.objects.get(pk=c.pk).stato == "in_istruttoria"
