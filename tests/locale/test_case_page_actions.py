"""The case page offers only what can be done: a step whose guard fails is shown disabled with the reasons written
beside it, a case handed to the ambito shows its comune no write action, and opening an edit form is logged as a
read."""

import re

import pytest
from django.urls import resolve, reverse

from cse.core.models import AccessLog
from tests.support.casework import fill_for_next, register_prestazione, walk_case_to
from tests.support.places import case_moved_to_ambito

pytestmark = pytest.mark.django_db

WRITE_ROUTES = {
    "accesso",
    "valutazione",
    "progetto",
    "chiusura",
    "transizione",
    "case_manager",
    "riapertura",
    "intervento_nuovo",
    "prestazione_nuova",
    "prestazione_fine",
    "trasferimento",
    "diario_oscura",
    "documento_oscura",
}


def _page(client, name: str, case) -> str:
    response = client.get(reverse(f"locale:{name}", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_close_blocked_by_running_services_is_shown_disabled_with_the_reason_beside_it(case, worker, client_for):
    case = walk_case_to(case, "erogazione", by=worker)
    prestazione = register_prestazione(case, by=worker)
    client = client_for(worker)
    html = _page(client, "cartella_detail", case)
    button = re.search(r'<button[^>]*disabled aria-describedby="([^"]+)">Chiudi la cartella</button>', html)
    assert button is not None
    reason = html.split(f'id="{button.group(1)}"', 1)[1].split("</div>", 1)[0]
    assert "Non disponibile" in reason and f"la prestazione {prestazione.voce.codice}" in reason
    assert "non è conclusa" in reason


def test_a_step_that_can_be_taken_is_a_working_button(case, worker, client_for):
    case = walk_case_to(case, "valutazione", by=worker)
    fill_for_next(case, by=worker)
    html = _page(client_for(worker), "cartella_detail", case)
    assert '<button class="btn btn-primary btn-sm" type="submit">Passa al progetto individuale</button>' in html
    assert "disabled" not in html.split('id="fasi"', 1)[1].split("</section>", 1)[0]


def test_a_case_handed_to_the_ambito_shows_its_comune_no_write_action(case, worker, client_for):
    case_moved_to_ambito(case, by=worker)  # the case manager keeps a read-only équipe grant
    client = client_for(worker)
    for page in ("cartella_detail", "diario", "documenti"):
        html = _page(client, page, case)
        assert "Cartella in carico all" in html and "da qui si consulta soltanto" in html
        targets = re.findall(r'(?:href|action)="(/locale/[^"]*)"', html)
        offered = {resolve(t.split("?")[0]).url_name for t in targets}
        assert offered and not offered & WRITE_ROUTES, (page, offered & WRITE_ROUTES)
        assert '<form method="post"' not in html.split("</header>", 1)[1]  # no upload, no new diary entry


def test_the_case_page_of_the_owning_comune_still_offers_its_actions(case, worker, client_for):
    html = _page(client_for(worker), "cartella_detail", case)
    assert "Sola consultazione" not in html
    assert reverse("locale:accesso", args=[case.pk]) in html
    assert reverse("locale:trasferimento", args=[case.pk]) in html


def test_an_empty_closing_record_says_so_instead_of_dashes(case, worker, client_for):
    html = _page(client_for(worker), "cartella_detail", case)
    closing = html.split('id="h-chius"', 1)[1].split("</section>", 1)[0]
    assert "Non ancora compilata." in closing and "—" not in closing


def test_opening_an_edit_form_is_logged_as_a_read_and_saving_it_as_a_modification(case, person, worker, client_for):
    client = client_for(worker)
    client.get(reverse("locale:accesso", args=[case.pk]))
    client.get(reverse("locale:assistito_edit", args=[person.pk]))
    finalita = list(AccessLog.objects.filter(user=worker).order_by("pk").values_list("finalita", flat=True))
    assert finalita[-2:] == ["lettura: Accesso e orientamento", "lettura: anagrafica"]
    client.post(reverse("locale:accesso", args=[case.pk]), {"version": case.version})
    assert AccessLog.objects.filter(user=worker).latest("pk").finalita == "modifica: Accesso e orientamento"
