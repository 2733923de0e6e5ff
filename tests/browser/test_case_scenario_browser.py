"""A social worker's day in a real browser: log in, open a case for a person and carry it through the five phases,
tripping over the guards and the validation messages on the way, close it and re-open it as a new episode.

Runs headless Chromium from the Debian package against pytest-django's live server (no Playwright download).
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.support.chromium import needs_chromium, submit
from tests.support.factories import PASSWORD, AssistitoFactory, OperatoreFactory, ensure_reference_data
from tests.support.places import home_comune

SCREENSHOT = Path(tempfile.gettempdir()) / "cse_case_closed.png"  # for a human look, never committed

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"]),
]


def _follow(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=label, exact=True).click()


def _iso(day) -> str:
    """The value a browser's <input type="date"> takes."""
    return day.isoformat()


def _select_voce(page, select_id: str, codice: str) -> None:
    """Pick a nomenclatore code by the visible label of its option ("A2.07 — …"), not by database id."""
    option = page.locator(f"#{select_id} option").filter(has_text=re.compile(rf"^{re.escape(codice)} "))
    page.select_option(f"#{select_id}", label=option.inner_text().strip())


def test_social_worker_carries_a_case_from_access_to_reopening(live_server, page):
    from playwright.sync_api import expect

    from cse.cartella.fasi import InterventoPianificato, Prestazione, Transizione

    ensure_reference_data()  # a transactional test: the previous flush took the seed rows
    comune = home_comune()
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    person = AssistitoFactory(ente=comune)
    today = timezone.localdate()
    prossimo_passo = page.get_by_role("region", name="Prossimo passo")
    errors = page.locator(".invalid-feedback, .alert-danger")

    # --- log in through the login page ------------------------------------------------------------------------
    page.goto(f"{live_server.url}/operatore/accesso/")
    expect(page.get_by_role("heading", name="Accesso operatori")).to_be_visible()
    page.fill("#id_username", worker.username)
    page.fill("#id_password", PASSWORD)
    submit(page, "Accedi")
    expect(page.get_by_role("button", name="Esci")).to_be_visible()

    # --- find the person and open a new case ------------------------------------------------------------------
    _follow(page, "Assistiti")
    page.fill("#q", person.cognome)
    submit(page, "Cerca")
    _follow(page, f"{person.cognome} {person.nome}")
    expect(page.get_by_role("heading", level=1, name=f"{person.cognome} {person.nome}", exact=True)).to_be_visible()
    submit(page, "Apri una nuova cartella")
    expect(page).to_have_url(re.compile(r"/locale/cartelle/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("Aperta la cartella")
    heading = page.get_by_role("heading", level=1)
    numero = re.match(r"Cartella (\S+) —", heading.inner_text()).group(1)
    case_url = page.url
    case_pk = int(re.search(r"/cartelle/(\d+)/$", case_url).group(1))
    expect(page.locator(".badge.fs-6")).to_have_text("Accesso e orientamento")
    expect(prossimo_passo).to_contain_text("manca la scheda di accesso")
    expect(prossimo_passo.locator("button:not([disabled])")).to_have_count(0)  # each step disabled, reasons beside

    # --- 1. scheda di accesso: a referral from the health service without saying who sent the person ---------
    _follow(page, "Compila la scheda di accesso")
    page.fill("#id_data_accesso", _iso(today))
    page.select_option("#id_canale", "sanitario")
    page.select_option("#id_interlocutore", "familiare")
    page.fill("#id_richiesta", "La figlia chiede aiuto per l'assistenza alla madre, non più autosufficiente.")
    page.select_option("#id_area", "anziani")
    page.fill("#id_orientamento", "Illustrati i servizi domiciliari dell'ambito.")
    page.select_option("#id_esito", "presa_in_carico")
    submit(page, "Salva")
    expect(page.locator(".alert-success")).to_contain_text("Accesso e orientamento: dati salvati.")
    expect(prossimo_passo).to_contain_text("manca chi ha inviato o segnalato la persona")
    expect(prossimo_passo.get_by_role("button", name="Prendi in carico: passa alla valutazione")).to_be_disabled()

    _follow(page, "Compila la scheda di accesso")
    expect(page.locator("#id_canale")).to_have_value("sanitario")
    page.fill("#id_inviante", "MMG dott.ssa Ferri")
    submit(page, "Salva")
    expect(prossimo_passo).not_to_contain_text("manca chi ha inviato")
    submit(page, "Prendi in carico: passa alla valutazione")
    expect(page.locator(".alert-success")).to_contain_text("La cartella è ora nella fase «Valutazione del bisogno»")
    expect(page.locator(".badge.fs-6")).to_have_text("Valutazione del bisogno")

    # --- 2. valutazione: a first, partial pass, then the full assessment --------------------------------------
    _follow(page, "Compila la valutazione")
    page.fill("#id_data_valutazione", _iso(today))
    page.select_option("#id_economica", "2")
    page.fill("#id_economica_note", "Pensione minima, nessun altro reddito.")
    page.select_option("#id_abitativa", "1")
    submit(page, "Salva")
    expect(page.locator(".alert-success")).to_contain_text("Valutazione del bisogno: dati salvati.")
    expect(prossimo_passo).to_contain_text("manca il livello di bisogno per «Salute e autonomia»")
    expect(prossimo_passo).to_contain_text("manca il giudizio professionale")

    _follow(page, "Compila la valutazione")
    expect(page.locator("#id_economica")).to_have_value("2")
    page.select_option("#id_salute", "3")
    page.fill("#id_salute_note", "Deambulazione con ausilio, bisogno di aiuto nell'igiene personale.")
    page.select_option("#id_familiare", "2")
    page.select_option("#id_lavoro", "0")
    page.select_option("#id_gravita", "2")
    page.select_option("#id_urgenza", "prioritaria")
    page.fill("#id_giudizio", "Bisogno assistenziale prevalente; rete familiare presente ma affaticata.")
    submit(page, "Salva")
    expect(prossimo_passo).not_to_contain_text("manca")
    submit(page, "Passa al progetto individuale")
    expect(page.locator(".badge.fs-6")).to_have_text("Progetto individuale")
    expect(prossimo_passo).to_contain_text("manca il progetto individuale")

    # --- 3. progetto: plan an intervention (a negative number first), then agree and sign the project ---------
    _follow(page, "Pianifica un intervento")
    _select_voce(page, "id_voce", "A2.07")
    page.fill("#id_responsabile", "Cooperativa Il Melograno")
    page.fill("#id_entro_il", _iso(today + timedelta(days=30)))
    page.fill("#id_ore_previste", "-4")
    page.fill("#id_importo_previsto", "1200")
    page.select_option("#id_fonte", "fna")
    submit(page, "Salva")
    expect(page.locator(".invalid-feedback")).to_have_text(["Il valore non può essere negativo."])
    expect(page.locator("#id_ore_previste")).to_have_attribute("aria-invalid", "true")
    assert not InterventoPianificato.objects.filter(cartella_id=case_pk).exists()

    page.fill("#id_ore_previste", "40")
    submit(page, "Salva")
    expect(page.locator(".alert-success")).to_contain_text("Intervento pianificato.")
    expect(page.get_by_role("region", name="3. Progetto individuale")).to_contain_text(
        "A2.07 — Assistenza domiciliare socio-assistenziale — 40,00 ore — € 1.200,00"
    )

    _follow(page, "Compila il progetto")
    page.fill("#id_obiettivi", "Permettere alla signora di restare a casa in sicurezza.")
    page.fill("#id_azioni", "SAD tre mattine a settimana (cooperativa), verifica mensile dell'assistente sociale.")
    page.fill("#id_impegni_persona", "La figlia garantisce la presenza nei fine settimana.")
    page.fill("#id_data_revisione", _iso(today + timedelta(days=90)))
    submit(page, "Salva")
    expect(prossimo_passo).to_contain_text("manca la sottoscrizione del progetto da parte della persona")
    _follow(page, "Compila il progetto")
    page.fill("#id_sottoscritto_il", _iso(today))
    submit(page, "Salva")
    expect(prossimo_passo).not_to_contain_text("manca")
    submit(page, "Avvia l'erogazione")
    expect(page.locator(".badge.fs-6")).to_have_text("Erogazione")
    expect(prossimo_passo).to_contain_text("manca almeno una prestazione erogata")

    # --- 4. erogazione: a prestazione with its dates the wrong way round, then a valid one, then conclude it --
    start = today - timedelta(days=7)
    _follow(page, "Registra una prestazione")
    _select_voce(page, "id_voce", "A2.07")
    page.select_option("#id_intervento", index=1)
    page.select_option("#id_carattere", "1")
    page.fill("#id_data_inizio", _iso(start))
    page.fill("#id_data_fine", _iso(start - timedelta(days=1)))
    page.fill("#id_quantita", "12")
    page.select_option("#id_unita", "ore")
    page.fill("#id_importo", "264")
    page.select_option("#id_fonte", "fna")
    page.fill("#id_erogatore", "Cooperativa Il Melograno")
    submit(page, "Salva")
    expect(errors).to_contain_text(["La data di fine non può precedere la data di inizio."])
    assert not Prestazione.objects.filter(cartella_id=case_pk).exists()

    page.fill("#id_data_fine", "")
    submit(page, "Salva")
    expect(page.locator(".alert-success")).to_contain_text("Prestazione registrata.")
    erogazione = page.get_by_role("region", name="4. Erogazione")
    expect(erogazione).to_contain_text(f"{start:%d/%m/%Y} – in corso")
    expect(prossimo_passo).to_contain_text(f"la prestazione A2.07 iniziata il {start:%d/%m/%Y} non è conclusa")

    _follow(page, "Concludi")
    page.fill("#id_data_fine", _iso(today))
    submit(page, "Salva")
    expect(page.locator(".alert-success")).to_contain_text("Prestazione conclusa.")
    expect(erogazione).to_contain_text(f"{start:%d/%m/%Y} – {today:%d/%m/%Y}")
    expect(prossimo_passo).to_contain_text("manca la valutazione finale")

    # --- 5. valutazione finale e chiusura ---------------------------------------------------------------------
    _follow(page, "Compila la chiusura")
    page.select_option("#id_esito_obiettivi", "raggiunti")
    page.select_option("#id_motivo", "obiettivi")
    page.fill("#id_valutazione_finale", "La signora resta a domicilio; la famiglia si è riorganizzata.")
    page.fill("#id_follow_up", "Contatto telefonico tra tre mesi.")
    submit(page, "Salva")
    expect(prossimo_passo).not_to_contain_text("manca")
    page.locator("summary", has_text="Chiudi la cartella").click()  # closing is final: the page asks first
    expect(page.locator(".callout.warning")).to_contain_text("non si potrà più modificare")
    submit(page, "Conferma la chiusura")
    expect(page.locator(".alert-success")).to_contain_text("La cartella è chiusa.")
    expect(page.locator(".badge.fs-6")).to_have_text(f"Chiusa il {today:%d/%m/%Y}")
    expect(prossimo_passo).to_contain_text("La cartella è chiusa.")
    for link in ("Compila la scheda di accesso", "Registra una prestazione", "Compila la chiusura", "Concludi"):
        expect(page.get_by_role("link", name=link, exact=True)).to_have_count(0)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # --- re-open: a new, linked episode with its own number ---------------------------------------------------
    submit(page, "Riapri il caso (nuovo episodio)")
    expect(page.locator(".alert-success")).to_contain_text("Caso riaperto: nuova cartella")
    new_numero = re.match(r"Cartella (\S+) —", heading.inner_text()).group(1)
    assert new_numero != numero
    expect(page.locator(".alert-success")).to_have_text(f"Caso riaperto: nuova cartella {new_numero}.")
    expect(page.locator(".badge.fs-6")).to_have_text("Accesso e orientamento")
    expect(page.get_by_role("link", name=numero, exact=True)).to_be_visible()  # "Episodio precedente"
    assert page.url != case_url

    page.goto(case_url)
    expect(page.get_by_role("link", name=new_numero, exact=True)).to_be_visible()  # "Riaperta con"
    expect(page.get_by_role("button", name="Riapri il caso (nuovo episodio)")).to_have_count(0)

    steps = list(Transizione.objects.filter(cartella_id=case_pk).values_list("da_stato", "a_stato"))
    assert steps == [
        ("accesso", "valutazione"),
        ("valutazione", "progetto"),
        ("progetto", "erogazione"),
        ("erogazione", "chiusa"),
    ]
