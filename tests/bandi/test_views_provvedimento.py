"""The provvedimento pages: alice (responsabile) drafts and submits, dora (another responsabile) approves; alice's
own approve button is refused on the page; the PDF downloads; the notification list and the letters to print show
each row's state; charlie (responsabile of another comune) meets a 404 on every page. The citizen sees the outcome
and the PDF on «my applications» and asks a riesame there."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.bandi.models import Domanda, Notifica, Provvedimento
from cse.bandi.provvedimento import actions as provv
from tests.support.bandi import ports
from tests.support.factories import OperatoreFactory
from tests.support.places import foreign_comune
from tests.support.provvedimenti import TESTO, graduatoria_definitiva, secondo_responsabile, submitted_and_rendered

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(comune, responsabile):
    return graduatoria_definitiva(comune, responsabile, [None, None, None])


def _post(client, p, **data):
    return client.post(reverse("bandi:provvedimento_azione", args=[p.pk]), data, follow=True)


def test_draft_submit_and_approval_by_a_second_operator_through_the_pages(
    client, scenario, comune, responsabile, django_capture_on_commit_callbacks
):
    bando, graduatoria, (a, b, c) = scenario
    client.force_login(responsabile)
    page = client.post(
        reverse("bandi:provvedimenti", args=[bando.pk]),
        {"tipo": "graduatoria", "oggetto": "Approvazione graduatoria", "testo": TESTO},
        follow=True,
    )
    p = Provvedimento.objects.get(bando=bando)
    assert page.status_code == 200 and "Provvedimento redatto" in page.content.decode()
    with django_capture_on_commit_callbacks() as queued:
        _post(client, p, azione="sottoponi")
    page = client.get(reverse("bandi:provvedimento", args=[p.pk])).content.decode()
    assert "PDF in preparazione" in page and 'hx-trigger="every 5s"' in page
    for run_the_queued_task in queued:  # what the task worker does after the commit
        run_the_queued_task()
    refused = _post(client, p, azione="approva").content.decode()
    assert "serve un secondo operatore" in refused and Provvedimento.objects.get(pk=p.pk).stato == "in_approvazione"
    pdf = client.get(reverse("bandi:provvedimento_pdf", args=[p.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(secondo_responsabile(comune))
    done = _post(client, p, azione="approva").content.decode()
    assert "Provvedimento approvato" in done and "3 notifiche in coda" in done
    lista = client.get(reverse("bandi:notifiche", args=[p.pk]) + "?stato=da_stampare").content.decode()
    assert "Lettera da stampare" in lista
    lettere = client.get(reverse("bandi:lettere", args=[p.pk])).content.decode()
    assert a.cognome in lettere and "3 lettere da stampare" in lettere


def test_printed_letters_are_marked_posted(client, scenario, comune, responsabile):
    bando, graduatoria, (a, b, c) = scenario
    p = submitted_and_rendered(
        provv.provvedimento_draft(
            bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=responsabile, oggetto="X", testo=TESTO
        ),
        responsabile,
    )
    p = provv.provvedimento_approve(provvedimento=p, by=secondo_responsabile(comune))
    client.force_login(responsabile)
    assert client.get(reverse("bandi:lettere_pdf", args=[p.pk])).status_code == 302  # not registered yet
    with ports(protocollo="ProtocolloInMemoria"):
        from cse.core.protocollo import protocollo_registra_in_coda

        protocollo_registra_in_coda()
    stampa = client.get(reverse("bandi:lettere_pdf", args=[p.pk]))
    assert stampa.status_code == 200 and stampa.content.startswith(b"%PDF")
    row = Notifica.objects.get(provvedimento=p, domanda=c)
    client.post(reverse("bandi:lettere", args=[p.pk]), {"notifica": [row.pk]})
    row.refresh_from_db()
    assert row.stato == "stampata" and row.inviata_il is not None


def test_a_foreign_operator_meets_404_on_every_provvedimento_page(client, scenario, responsabile):
    bando, graduatoria, _ = scenario
    p = provv.provvedimento_draft(
        bando=bando, tipo="graduatoria", graduatoria=graduatoria, by=responsabile, oggetto="X", testo=TESTO
    )
    p = provv.provvedimento_submit(provvedimento=p, by=responsabile)
    client.force_login(OperatoreFactory(ente=foreign_comune(), ruolo="responsabile"))
    for name in ("provvedimento", "provvedimento_pdf", "notifiche", "lettere", "lettere_pdf"):
        assert client.get(reverse(f"bandi:{name}", args=[p.pk])).status_code == 404, name
    assert client.post(reverse("bandi:provvedimento_azione", args=[p.pk]), {"azione": "approva"}).status_code == 404
    assert client.get(reverse("bandi:provvedimenti", args=[bando.pk])).status_code == 404
    assert Provvedimento.objects.get(pk=p.pk).stato == "in_approvazione"


def test_the_citizen_sees_the_outcome_and_asks_a_riesame(client, scenario, comune, responsabile):
    from cse.cittadino.models import Cittadino
    from tests.support.provvedimenti import approvato_e_protocollato

    bando, graduatoria, (a, b, c) = scenario
    p = approvato_e_protocollato(bando, graduatoria, responsabile, secondo_responsabile(comune))
    Notifica.objects.filter(provvedimento=p).update(stato="stampata", inviata_il=timezone.now())
    client.force_login(Cittadino.objects.get(codice_fiscale=c.codice_fiscale).user)
    page = client.get(reverse("cittadino:domanda", args=[c.pk])).content.decode()
    assert "Ammessa, non finanziata" in page and "Chiedi il riesame" in page
    pdf = client.get(reverse("cittadino:domanda_provvedimento_pdf", args=[c.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(reverse("cittadino:domanda", args=[c.pk]), {"azione": "riesame", "motivo": "Due figli a carico."})
    assert Domanda.objects.get(pk=c.pk).stato == "in_istruttoria"
    assert client.get(reverse("cittadino:domanda_provvedimento_pdf", args=[a.pk])).status_code == 404  # not theirs
