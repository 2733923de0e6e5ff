"""The pages: alice (responsabile of the comune) sets a tariff, runs November, issues the notices, reconciles and
exports the arrears; bob (front desk of the same comune) and charlie (responsabile of another comune) meet 404s; the
citizen sees their own notice and its PDF, nobody else's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cse.compartecipazione import actions
from cse.compartecipazione.models import Avviso, Compartecipazione, Tariffa
from cse.core.pagamenti import valida_codice_avviso
from tests.support.bandi import citizen
from tests.support.compartecipazione import NOVEMBRE, isee, paga, served, tariff
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import foreign_comune

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(comune):
    return OperatoreFactory(ente=comune, ruolo="segretariato")


@pytest.fixture
def charlie():
    return OperatoreFactory(ente=foreign_comune(), ruolo="responsabile")


def _tariff_form(**overrides) -> dict:
    from tests.support.compartecipazione import sad

    data = {
        "voce": sad().pk,
        "denominazione": "Assistenza domiciliare",
        "unita": "ora",
        "tariffa_piena": "20.00",
        "tipo_isee": "ordinario",
        "senza_isee": "tariffa_piena",
        "giorni_pagamento": "30",
        "valida_dal": "2026-01-01",
        "atto": "Delibera di giunta n. 1/2026",
        "f1_da": "0.00",
        "f1_a": "6000.00",
        "f1_tipo": "esenzione",
        "f2_da": "6000.01",
        "f2_tipo": "percentuale",
        "f2_valore": "30",
    }
    return data | overrides


def test_the_tariff_form_records_a_tariff_with_its_bands(client_for, comune, responsabile):
    client = client_for(responsabile)
    response = client.post(reverse("compartecipazione:tariffa_nuova", args=[comune.pk]), _tariff_form())
    assert response.status_code == 302
    tariffa = Tariffa.objects.get()
    assert [(f.tipo, f.isee_a) for f in tariffa.fasce.all()] == [
        ("esenzione", Decimal("6000.00")),
        ("percentuale", None),
    ]
    page = client.get(reverse("compartecipazione:ente", args=[comune.pk])).content.decode()
    assert "Assistenza domiciliare" in page and "Delibera di giunta" in page


def test_bands_with_a_gap_come_back_with_the_reason_and_nothing_saved(client_for, comune, responsabile):
    client = client_for(responsabile)
    response = client.post(reverse("compartecipazione:tariffa_nuova", args=[comune.pk]), _tariff_form(f2_da="7000.00"))
    assert response.status_code == 400 and "deve iniziare da 6000.01" in response.content.decode()
    assert not Tariffa.objects.exists()


def test_the_month_from_run_to_payment_through_the_pages(client_for, comune, responsabile, pagopa):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    isee(person, "10000")
    client = client_for(responsabile)
    ente_url = reverse("compartecipazione:ente", args=[comune.pk])
    client.post(reverse("compartecipazione:calcola", args=[comune.pk]), {"mese": "2026-11"})
    client.post(reverse("compartecipazione:emetti", args=[comune.pk]), {"mese": "2026-11"})
    actions.avvisi_invia_in_coda()
    avviso = Avviso.objects.get()
    page = client.get(ente_url, {"mese": "2026-11"}).content.decode()
    assert str(person) in page and avviso.codice_avviso in page and "60,00" in page

    pdf = client.get(reverse("compartecipazione:avviso_pdf", args=[avviso.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    paga(avviso.iuv, "60.00")
    client.post(reverse("compartecipazione:riconcilia", args=[comune.pk]), {"dal": "2026-11-01"})
    assert Compartecipazione.objects.get().stato == "pagata"


def test_a_month_typed_wrong_is_an_italian_message(client_for, comune, responsabile):
    client = client_for(responsabile)
    response = client.post(reverse("compartecipazione:calcola", args=[comune.pk]), {"mese": "11/2026"}, follow=True)
    assert "AAAA-MM" in response.content.decode()


def test_pagopa_down_at_reconciliation_is_a_message_not_an_error(client_for, comune, responsabile, pagopa):
    pagopa.offline = True
    client = client_for(responsabile)
    response = client.post(
        reverse("compartecipazione:riconcilia", args=[comune.pk]), {"dal": "2026-11-01"}, follow=True
    )
    assert response.status_code == 200 and "prossimo tentativo" in response.content.decode()


def test_annul_and_recompute_from_the_charge_page(client_for, comune, responsabile):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    comp = Compartecipazione.objects.get()
    isee(person, "3000")
    client = client_for(responsabile)
    url = reverse("compartecipazione:annulla", args=[comp.pk])
    client.post(url, {"motivo": "", "ricalcola": "1"})
    assert Compartecipazione.objects.count() == 1  # no reason, no act
    response = client.post(url, {"motivo": "DSU presentata", "ricalcola": "1"})
    nuova = Compartecipazione.objects.get(sostituisce=comp)
    assert response["Location"] == reverse("compartecipazione:compartecipazione", args=[nuova.pk])
    assert nuova.importo == Decimal("0.00")


def test_arrears_page_and_csv(client_for, comune, responsabile, pagopa):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    issued_long_ago = timezone.now() - timedelta(days=40)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile, now=issued_long_ago)
    actions.avvisi_invia_in_coda()
    avviso = Avviso.objects.get()
    client = client_for(responsabile)
    page = client.get(reverse("compartecipazione:arretrati", args=[comune.pk])).content.decode()
    assert str(person) in page and "200,00" in page
    csv_url = reverse("compartecipazione:arretrati_csv", args=[comune.pk])
    lines = client.get(csv_url).content.decode().strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("cognome;nome;codice_fiscale")
    assert lines[1].endswith(f"{avviso.codice_avviso};{avviso.scadenza.isoformat()};200.00;0.00;200.00")


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_who_does_not_manage_the_comune_meets_404(client_for, comune, responsabile, who, request):
    tariff(comune, responsabile)
    person = AssistitoFactory(ente=comune)
    served(person, "10")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    comp = Compartecipazione.objects.get()
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("compartecipazione:ente", args=[comune.pk])).status_code == 404
    assert client.get(reverse("compartecipazione:compartecipazione", args=[comp.pk])).status_code == 404
    assert client.post(reverse("compartecipazione:annulla", args=[comp.pk]), {"motivo": "x"}).status_code == 404
    assert Compartecipazione.objects.get().stato == "calcolata"


def test_the_citizen_sees_only_their_own_notices(client, comune, responsabile, pagopa):
    tariff(comune, responsabile)
    mine, theirs = AssistitoFactory(ente=comune), AssistitoFactory(ente=comune)
    for person in (mine, theirs):
        served(person, "10")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.avvisi_invia_in_coda()
    own = Avviso.objects.get(compartecipazione__assistito=mine)
    other = Avviso.objects.get(compartecipazione__assistito=theirs)

    anonymous = client.get(reverse("cittadino:pagamenti"))
    assert anonymous.status_code == 302 and reverse("cittadino:accesso") in anonymous["Location"]

    from cse.cittadino.services import cittadino_ensure

    user = cittadino_ensure(codice_fiscale=mine.codice_fiscale, nome=mine.nome, cognome=mine.cognome).user
    client.force_login(user)
    page = client.get(reverse("cittadino:pagamenti")).content.decode()
    assert valida_codice_avviso(own.codice_avviso) in page and other.codice_avviso not in page
    assert client.get(reverse("cittadino:pagamento_pdf", args=[own.pk])).content.startswith(b"%PDF")
    assert client.get(reverse("cittadino:pagamento_pdf", args=[other.pk])).status_code == 404

    client.force_login(citizen())  # someone with no charge at all
    assert "Nessun avviso" in client.get(reverse("cittadino:pagamenti")).content.decode()


@pytest.fixture
def paid_in_part_and_over(comune, responsabile, pagopa):
    """Two November charges of 60 €: one paid 45 € (a residual of 15 €), one paid 70 € (a refund of 10 €)."""
    tariff(comune, responsabile)
    people = [AssistitoFactory(ente=comune) for _ in range(2)]
    for person in people:
        served(person, "10")
        isee(person, "10000")
    actions.calcola_compartecipazioni(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.emetti_avvisi(ente=comune, mese=NOVEMBRE, by=responsabile)
    actions.avvisi_invia_in_coda()
    short, over = (Avviso.objects.get(compartecipazione__assistito=p) for p in people)
    paga(short.iuv, "45.00")
    paga(over.iuv, "70.00")
    actions.riconcilia_pagamenti(ente=comune, dal=NOVEMBRE)
    return short.compartecipazione, over.compartecipazione


def test_the_residual_is_issued_from_the_charge_page(client_for, comune, responsabile, paid_in_part_and_over):
    short, _ = paid_in_part_and_over
    client = client_for(responsabile)
    page = client.get(reverse("compartecipazione:compartecipazione", args=[short.pk])).content.decode()
    assert "residuo € 15,00" in page and reverse("compartecipazione:residuo", args=[short.pk]) in page
    response = client.post(reverse("compartecipazione:residuo", args=[short.pk]))
    residuo = Compartecipazione.objects.get(residuo_di=short)
    assert response["Location"] == reverse("compartecipazione:compartecipazione", args=[residuo.pk])
    again = client.post(reverse("compartecipazione:residuo", args=[short.pk]), follow=True).content.decode()
    assert "già stato calcolato" in again and Compartecipazione.objects.filter(residuo_di=short).count() == 1


def test_a_refund_is_disposed_from_its_page_and_a_wrong_iban_says_why(
    client_for, comune, responsabile, paid_in_part_and_over
):
    _, over = paid_in_part_and_over
    rimborso = over.rimborsi.get()
    client = client_for(responsabile)
    listing = client.get(reverse("compartecipazione:rimborsi", args=[comune.pk])).content.decode()
    assert reverse("compartecipazione:rimborso", args=[rimborso.pk]) in listing and "10,00" in listing
    url = reverse("compartecipazione:rimborso", args=[rimborso.pk])
    form = {"azione": "disponi", "iban": "IT00X0000000000000000000000", "intestatario": "Utente",
            "mandato_numero": "2026/9", "mandato_data": "2026-12-01"}  # fmt: skip
    wrong = client.post(url, form).content.decode()
    assert "IBAN" in wrong and "controllo" in wrong
    rimborso.refresh_from_db()
    assert rimborso.stato == "da_disporre"
    done = client.post(url, {**form, "iban": "IT60 X054 2811 1010 0000 0123 456"})
    rimborso.refresh_from_db()
    assert done.status_code == 302 and rimborso.stato == "disposto" and rimborso.mandato_numero == "2026/9"


@pytest.mark.parametrize("who", ["bob", "charlie"])
def test_refund_and_residual_pages_are_404_for_who_does_not_manage_the_comune(
    client_for, comune, who, request, paid_in_part_and_over
):
    short, over = paid_in_part_and_over
    rimborso = over.rimborsi.get()
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("compartecipazione:rimborsi", args=[comune.pk])).status_code == 404
    assert client.get(reverse("compartecipazione:rimborso", args=[rimborso.pk])).status_code == 404
    assert client.post(reverse("compartecipazione:rimborso", args=[rimborso.pk]), {"azione": "non_dovuto",
                       "nota": "x"}).status_code == 404  # fmt: skip
    assert client.post(reverse("compartecipazione:residuo", args=[short.pk])).status_code == 404
    rimborso.refresh_from_db()
    assert rimborso.stato == "da_disporre" and not Compartecipazione.objects.filter(residuo_di=short).exists()
