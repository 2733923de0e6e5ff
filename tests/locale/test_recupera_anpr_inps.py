"""The operator registers a person by CF: "Recupera da ANPR / INPS" prefills the form, shows differences, and the
stored facts carry their source and date. With a system down or slow the operator finishes by hand (no 500)."""

import pytest
from django.urls import reverse

from cse.cartella.models import Assistito
from interop.models import ChiamataInterop, ProvenienzaDato
from interop.simulators.data import CF_SCENARIO, PERSONE
from tests.support.factories import OperatoreFactory
from tests.support.places import home_comune

MARIO = PERSONE[0]
URL = reverse("locale:assistito_create")


@pytest.fixture
def comune(db):
    """Molfetta: the simulated registries' people live there."""
    return home_comune()


@pytest.fixture
def operator(comune, client_for):
    """The comune's social worker, logged in."""
    return client_for(OperatoreFactory(ente=comune, ruolo="assistente_sociale"))


def _recupera(client, comune, **typed):
    return client.post(URL, {"ente": comune.pk, "azione": "recupera", **typed})


def test_recupera_prefills_empty_fields_and_lists_isee_and_family(simulators, comune, operator):
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Rossi"' in html and 'value="Via Roma 14"' in html and 'value="F284"' in html
    assert "INPS-ISEE-2026-00012345A-00" in html and "Bianchi Anna — Coniuge" in html
    assert not Assistito.objects.filter(codice_fiscale=MARIO.codice_fiscale).exists()  # nothing saved yet


def test_differences_are_shown_and_kept_or_taken_as_the_operator_chooses(simulators, comune, operator):
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale, indirizzo_residenza="Via Bari 1")
    html = page.content.decode()
    assert 'id="differenze"' in html and "Via Bari 1" in html and 'value="Via Bari 1"' in html  # typed value kept
    token = page.context["proposta_token"]
    form = {k: v for k, v in page.context["form"].initial.items() if k != "azione"}
    form.update(
        ente=comune.pk,
        proposta=token,
        azione="registra",
        prendi=["indirizzo_residenza"],
        isee=["0"],
        familiare=["0"],
    )
    response = operator.post(URL, form)
    assert response.status_code == 302
    person = Assistito.objects.get(codice_fiscale=MARIO.codice_fiscale)
    assert person.indirizzo_residenza == "Via Roma 14"
    fonti = dict(
        ProvenienzaDato.objects.filter(assistito=person, isee=None, relazione=None).values_list("campo", "fonte")
    )
    assert fonti["cognome"] == fonti["indirizzo_residenza"] == fonti["comune_residenza"] == "anpr"
    isee = person.isee.get()
    assert isee.protocollo_dsu == "INPS-ISEE-2026-00012345A-00" and isee.provenienza.fonte == "inps"
    relazione = person.relazioni.get()
    assert relazione.nominativo == "Bianchi Anna" and relazione.convivente and relazione.provenienza.fonte == "anpr"
    detail = operator.get(reverse("locale:assistito_detail", args=[person.pk])).content.decode()
    assert 'id="fonti"' in detail and "ANPR" in detail and "fonte: INPS (ISEE)" in detail


def test_a_value_typed_differently_and_not_taken_is_recorded_as_manual(simulators, comune, operator):
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale, indirizzo_residenza="Via Bari 1")
    form = dict(
        page.context["form"].initial,
        ente=comune.pk,
        proposta=page.context["proposta_token"],
        azione="registra",
    )
    assert operator.post(URL, form).status_code == 302
    person = Assistito.objects.get(codice_fiscale=MARIO.codice_fiscale)
    assert person.indirizzo_residenza == "Via Bari 1"
    assert ProvenienzaDato.objects.get(assistito=person, campo="indirizzo_residenza").fonte == "manuale"
    assert ProvenienzaDato.objects.get(assistito=person, campo="cognome").fonte == "anpr"


def test_a_tampered_proposal_gives_nothing_from_it(simulators, comune, operator):
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale)
    form = dict(
        page.context["form"].initial,
        ente=comune.pk,
        azione="registra",
        isee=["0"],
        proposta=page.context["proposta_token"][:-3] + "xyz",
    )
    assert operator.post(URL, form).status_code == 302
    person = Assistito.objects.get(codice_fiscale=MARIO.codice_fiscale)
    assert not person.isee.exists()
    assert set(ProvenienzaDato.objects.filter(assistito=person).values_list("fonte", flat=True)) == {"manuale"}


@pytest.mark.parametrize("scenario", ["offline", "timeout", "malformato"])
def test_with_a_system_down_or_slow_the_operator_goes_on_by_hand(simulators, comune, operator, scenario):
    cf = CF_SCENARIO[scenario]
    typed = {"codice_fiscale": cf, "cognome": "Simulatore", "nome": "Scritto a mano", "telefono": ""}
    page = _recupera(operator, comune, **typed)
    html = page.content.decode()
    assert page.status_code == 200
    assert "alert-warning" in html and ("a mano" in html or "non è stata usata" in html)
    assert 'value="Scritto a mano"' in html  # nothing typed is lost
    assert ChiamataInterop.objects.filter(esito__in=["non_disponibile", "risposta_non_valida"]).exists()


def test_with_every_system_unreachable_registration_still_works(comune, operator, settings, db):
    from interop.http import reset_breakers

    reset_breakers()
    settings.CSE_INTEROP_SERVICES = {
        name: {**conf, "url": "http://127.0.0.1:9/x", "jwks_url": "http://127.0.0.1:9/j"}
        for name, conf in settings.CSE_INTEROP_SERVICES.items()
    }
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale, cognome="Rossi")
    assert page.status_code == 200 and "non risponde" in page.content.decode()
    form = {
        "ente": comune.pk,
        "azione": "registra",
        "proposta": page.context["proposta_token"],
        "codice_fiscale": MARIO.codice_fiscale,
        "cognome": "Rossi",
        "nome": "Mario",
        "sesso": "M",
        "data_nascita": "1961-03-12",
        "luogo_nascita": "F284",
    }
    assert operator.post(URL, form).status_code == 302
    assert Assistito.objects.filter(codice_fiscale=MARIO.codice_fiscale).exists()


def test_invalid_cf_calls_nobody(comune, operator, db):
    page = _recupera(operator, comune, codice_fiscale="NONVALIDO")
    assert "codice fiscale valido" in page.content.decode()
    assert not ChiamataInterop.objects.exists()


def test_a_proposal_for_another_cf_gives_nothing(simulators, comune, operator):
    page = _recupera(operator, comune, codice_fiscale=MARIO.codice_fiscale)
    anna = PERSONE[1]
    form = {
        "ente": comune.pk,
        "azione": "registra",
        "proposta": page.context["proposta_token"],
        "codice_fiscale": anna.codice_fiscale,
        "cognome": "Bianchi",
        "nome": "Anna",
        "sesso": "F",
        "data_nascita": "1964-07-02",
        "luogo_nascita": "F284",
        "prendi": ["indirizzo_residenza"],
        "isee": ["0"],
    }
    assert operator.post(URL, form).status_code == 302
    person = Assistito.objects.get(codice_fiscale=anna.codice_fiscale)
    assert person.indirizzo_residenza == "" and not person.isee.exists()


# --- editing an existing person: differences between ANPR and the cartella ---------------------------------------


@pytest.fixture
def registered_mario(comune):
    from cse.cartella.actions.assistito import assistito_register

    return assistito_register(
        ente=comune,
        cognome="Rossi",
        nome="Mario",
        sesso="M",
        data_nascita=MARIO.data_nascita,
        luogo_nascita="F284",
        codice_fiscale=MARIO.codice_fiscale,
        indirizzo_residenza="Via Vecchia 3",
    )


def _edit_form(assistito, **extra):
    return {
        "codice_fiscale": assistito.codice_fiscale,
        "cognome": assistito.cognome,
        "nome": assistito.nome,
        "sesso": assistito.sesso,
        "data_nascita": assistito.data_nascita.isoformat(),
        "luogo_nascita": assistito.luogo_nascita,
        "indirizzo_residenza": assistito.indirizzo_residenza,
        "cittadinanza": "100",
        "disabilita": "nessuna",
        "protezione_giuridica": "nessuna",
        "version": assistito.version,
        **extra,
    }


def test_edit_shows_differences_between_anpr_and_the_cartella_and_takes_the_chosen_ones(
    simulators, comune, operator, registered_mario
):
    url = reverse("locale:assistito_edit", args=[registered_mario.pk])
    page = operator.post(url, _edit_form(registered_mario, azione="recupera"))
    html = page.content.decode()
    assert "Via Vecchia 3" in html and "Via Roma 14" in html and 'id="differenze"' in html
    assert ChiamataInterop.objects.filter(e_service="anpr_C030", assistito_id=registered_mario.pk).exists()
    form = _edit_form(
        registered_mario,
        azione="salva",
        proposta=page.context["proposta_token"],
        prendi=["indirizzo_residenza"],
        isee=["0"],
    )
    form["comune_residenza_istat"] = "072029"
    assert operator.post(url, form).status_code == 302
    registered_mario.refresh_from_db()
    assert registered_mario.indirizzo_residenza == "Via Roma 14"
    fonti = dict(ProvenienzaDato.objects.filter(assistito=registered_mario, isee=None).values_list("campo", "fonte"))
    assert fonti["indirizzo_residenza"] == "anpr" and fonti["comune_residenza"] == "anpr"
    assert registered_mario.isee.get().provenienza.fonte == "inps"
    # consulting again and saving does not duplicate the ISEE already taken
    page = operator.post(url, _edit_form(registered_mario, azione="recupera", comune_residenza_istat="072029"))
    form = _edit_form(
        registered_mario,
        azione="salva",
        proposta=page.context["proposta_token"],
        isee=["0"],
        comune_residenza_istat="072029",
    )
    assert operator.post(url, form).status_code == 302
    assert registered_mario.isee.count() == 1


def test_a_manual_change_after_anpr_is_shown_as_such(simulators, comune, operator, registered_mario):
    url = reverse("locale:assistito_edit", args=[registered_mario.pk])
    page = operator.post(url, _edit_form(registered_mario, azione="recupera"))
    form = _edit_form(
        registered_mario,
        azione="salva",
        proposta=page.context["proposta_token"],
        prendi=["indirizzo_residenza"],
        comune_residenza_istat="072029",
    )
    operator.post(url, form)
    registered_mario.refresh_from_db()
    ProvenienzaDato.objects.filter(campo="indirizzo_residenza").update(acquisito_il="2020-01-01T00:00:00Z")
    from cse.cartella.actions.assistito import assistito_update

    assistito_update(assistito=registered_mario, data={"indirizzo_residenza": "Via Nuova 9"}, by=None, version=None)
    detail = operator.get(reverse("locale:assistito_detail", args=[registered_mario.pk])).content.decode()
    assert "(poi modificato a mano)" in detail


def test_edit_with_anpr_down_keeps_what_was_typed(simulators, comune, operator, registered_mario, settings):
    settings.CSE_INTEROP_SERVICES = {
        name: {**conf, "url": "http://127.0.0.1:9/x"} for name, conf in settings.CSE_INTEROP_SERVICES.items()
    }
    url = reverse("locale:assistito_edit", args=[registered_mario.pk])
    page = operator.post(url, _edit_form(registered_mario, azione="recupera", telefono="080 123456"))
    html = page.content.decode()
    assert page.status_code == 200 and "non risponde" in html and 'value="080 123456"' in html
