"""A contributo from the citizen's application to the SIUSS flow, through the real pages in headless Chromium: the
citizen logs in with the test identity provider, applies to the published bando (data read from ANPR and INPS,
declarations, App IO consent) and gets the receipt; a responsabile instructs the domanda, closes the bando, ranks
and finalises, drafts the provvedimento that only a second responsabile may approve (four eyes); the IBAN is
registered and one instalment paid with its mandato; the comune's SIUSS flow then carries
the prestazione of the beneficiary."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.support.bandi import IBAN_OK, make_bando, ports, synthetic_person
from tests.support.chromium import needs_chromium, new_page, submit
from tests.support.factories import PASSWORD, OperatoreFactory, ensure_reference_data
from tests.support.places import home_comune
from tests.support.siuss import eservice_for

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]

DICHIARAZIONE = "Non ricevo altri contributi per l'affitto"


def _operator_page(browser, base: str, operatore):
    """An operator logged in through the login page (the second factor is off in the test settings)."""
    page = new_page(browser)
    page.goto(f"{base}/operatore/accesso/")
    page.fill("#id_username", operatore.username)
    page.fill("#id_password", PASSWORD)
    submit(page, "Accedi")
    return page


def _citizen_page(browser, base: str, persona, bando):
    """The citizen logs in from the bando's page and comes back to it."""
    from playwright.sync_api import expect

    page = new_page(browser)
    page.goto(f"{base}/cittadino/accesso/?next=/cittadino/bandi/{bando.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("Identity provider di prova")
    page.fill("#id_codice_fiscale", persona.codice_fiscale)
    page.fill("#id_nome", persona.nome)
    page.fill("#id_cognome", persona.cognome)
    submit(page, "Entra come questo cittadino")
    expect(page.get_by_role("heading", level=1)).to_contain_text(bando.titolo)
    return page


def _citizen_applies(page) -> int:
    """On the bando's page: start the domanda (prefilled), declare, consent to App IO and submit: the domanda's id."""
    from playwright.sync_api import expect

    submit(page, "Presenta domanda")
    expect(page.get_by_role("cell", name="5400.50")).to_be_visible()  # ISEE read from INPS
    for label in (DICHIARAZIONE, "Voglio ricevere l'esito e le comunicazioni su questa domanda nell'app IO"):
        page.locator("label", has_text=label).click()  # Bootstrap Italia draws the box on the label
        expect(page.get_by_label(label)).to_be_checked()
    page.fill("#id_email", "richiedente@example.invalid")
    submit(page, "Presenta la domanda")
    expect(page.locator(".alert-success")).to_contain_text("Domanda presentata: ecco la ricevuta.")
    receipt = page.locator(".callout.success")
    expect(receipt).to_contain_text("Ricevuta, protocollazione in corso")
    expect(receipt.get_by_role("link", name="Scarica la ricevuta (PDF)")).to_be_visible()
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _operator_instructs(page, base: str, domanda_pk: int) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/operatore/bandi/domande/{domanda_pk}/")
    submit(page, "Prendi in carico / assegna")
    expect(page.get_by_role("button", name="Concludi l'istruttoria")).to_be_visible()
    submit(page, "Concludi l'istruttoria")
    expect(page.get_by_text("Istruita", exact=True).first).to_be_visible()


def _operator_ranks(page, base: str, bando) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/operatore/bandi/{bando.pk}/")
    submit(page, "Chiudi")
    page.goto(f"{base}/operatore/bandi/{bando.pk}/graduatoria/")
    submit(page, "Calcola la graduatoria provvisoria")
    expect(page.get_by_role("button", name="Rendi definitiva")).to_be_visible()
    submit(page, "Rendi definitiva")
    expect(page.get_by_role("link", name="Esporta CSV (pseudonimizzata)")).to_be_visible()


def _provvedimento_with_four_eyes(redattore, approvatore, base: str, bando) -> None:
    from playwright.sync_api import expect

    redattore.goto(f"{base}/operatore/bandi/{bando.pk}/provvedimenti/")
    redattore.select_option("#tipo", "graduatoria")
    redattore.fill("#testo", "Visti gli esiti dell'istruttoria e la graduatoria definitiva, si approvano gli esiti.")
    submit(redattore, "Redigi")
    expect(redattore.locator(".alert-success")).to_contain_text("Provvedimento redatto")
    submit(redattore, "Sottoponi ad approvazione")
    expect(redattore.get_by_text("In attesa dell'approvazione di un altro operatore abilitato.")).to_be_visible()
    expect(redattore.get_by_role("button", name="Approva")).to_have_count(0)  # never the author's own approval

    approvatore.goto(redattore.url)
    submit(approvatore, "Approva")
    expect(approvatore.locator(".alert-success")).to_contain_text("Provvedimento approvato")


def _operator_pays_one_instalment(page, base: str, domanda_pk: int) -> None:
    from playwright.sync_api import expect

    today = timezone.localdate()
    page.goto(f"{base}/operatore/bandi/domande/{domanda_pk}/liquidazione/")
    expect(page.get_by_text("Importo assegnato: € 400,00")).to_be_visible()
    page.fill("#id_iban", IBAN_OK)
    submit(page, "Registra l'IBAN")
    expect(page.get_by_text("IBAN IT60X0542811101000000123456")).to_be_visible()
    page.fill("#id_numero_rate", "1")
    page.fill("#id_dal", today.replace(day=1).isoformat())
    page.fill("#id_mesi", "1")
    submit(page, "Pianifica le rate")
    page.get_by_label("Numero del mandato").fill("M-2027-17")
    page.get_by_label("Data del mandato").fill(today.isoformat())
    submit(page, "Liquida")
    expect(page.get_by_text("n. M-2027-17 del")).to_be_visible()


def test_a_contributo_from_the_citizens_application_to_the_siuss_flow(live_server, browser):
    from playwright.sync_api import expect

    from cse.bandi.models import Bando, Domanda
    from cse.siuss.models import DatiSiuss, VerificaSiuss
    from cse.siuss.services import flussi_prepare

    ensure_reference_data()  # a transactional test: the previous flush took the seed rows
    comune = home_comune()
    alice = OperatoreFactory(ente=comune, ruolo="responsabile")
    dora = OperatoreFactory(ente=comune, ruolo="responsabile")
    bando = make_bando(comune, alice, giorni_opposizione=0)
    eservice_for(comune)
    persona = synthetic_person()
    base = live_server.url

    # --- 1. the citizen applies and gets the receipt ----------------------------------------------------------
    citizen = _citizen_page(browser, base, persona, bando)
    with ports(anagrafe="AnagrafeTre", isee="IseeValido"):
        domanda_pk = _citizen_applies(citizen)
    domanda = Domanda.objects.get(pk=domanda_pk)
    assert domanda.stato == "presentata" and domanda.consenso_app_io
    assert domanda.codice_fiscale == persona.codice_fiscale

    # --- 2. the istruttoria, 3. the ranking (the window ends: data set-up moves the closing time) -------------
    alice_page = _operator_page(browser, base, alice)
    _operator_instructs(alice_page, base, domanda_pk)
    Bando.objects.filter(pk=bando.pk).update(chiusura=timezone.now() - timedelta(seconds=1))
    _operator_ranks(alice_page, base, bando)

    # --- 4. four eyes: alice drafts, the page offers her no approval, dora approves ---------------------------------
    dora_page = _operator_page(browser, base, dora)
    _provvedimento_with_four_eyes(alice_page, dora_page, base, bando)

    # --- 5. the liquidazione ----------------------------------------------------------------------------------
    _operator_pays_one_instalment(alice_page, base, domanda_pk)
    rata = Domanda.objects.get(pk=domanda_pk).liquidazione.rate.get()
    assert rata.stato == "liquidata" and rata.prestazione is not None

    # --- 6. the SIUSS flow of the comune carries the prestazione (the flows are built by the worker) ------------
    # The liquidazione writes no SIUSS data of the prestazione (protocol, means test, shares): the first run of the
    # worker lists it as «dati da completare»; the data are then set up as the SIUSS data page would save them.
    flussi_prepare(ente=comune)
    assert VerificaSiuss.objects.get(prestazione=rata.prestazione).ha_problemi
    DatiSiuss.objects.create(
        prestazione=rata.prestazione, protocollo_domanda=f"D-{domanda_pk}", presenza_prova_mezzi="4",
        quota_ente=Decimal("400.00"),
    )  # fmt: skip
    flussi_prepare(ente=comune)
    alice_page.goto(f"{base}/siuss/enti/{comune.pk}/trasmissioni/")
    expect(alice_page.get_by_role("cell", name=bando.codice_prestazione.codice)).to_be_visible()
    flusso = rata.prestazione.flussi_siuss.get()
    xml = bytes(flusso.xml).decode()
    assert f'CodiceFiscale="{persona.codice_fiscale}"' in xml
    assert f'CodicePrestazione="{bando.codice_prestazione.codice}"' in xml and 'ImportoPrestazione="400.00"' in xml
