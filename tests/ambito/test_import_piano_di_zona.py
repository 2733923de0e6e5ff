"""Osservatorio piani di zona → the ambito's budget lines, against the simulator (docs/interop/osservatorio.md):
idempotent re-import matching lines by the Osservatorio code (the name is a free label), amounts updated never
duplicated, never below what the cartelle committed, nothing written on any refusal, Italian messages when the
Osservatorio is down (the lines can still be typed by hand)."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import httpx
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cse.ambito.models import Impegno, LineaBudget
from cse.ambito.services import IMPORT_REASON, import_piano_di_zona
from cse.cartella.fasi import InterventoPianificato, VoceNomenclatore
from interop.models import ChiamataInterop
from interop.simulators import regionali as sim
from tests.support.ambito import ambito_case
from tests.support.factories import AssistitoFactory, OperatoreFactory
from tests.support.places import foreign_ambito, home_ambito, home_comune


@pytest.fixture
def ambito(db):
    """Ambito BA01, whose piano di zona the Osservatorio simulator holds (BA05, the other ambito, has none)."""
    return home_ambito()


@pytest.fixture
def udp(ambito):
    return OperatoreFactory(ente=ambito, ruolo="ufficio_di_piano")


def _other_udp():
    return OperatoreFactory(ente=foreign_ambito(), ruolo="ufficio_di_piano")


def _lines(ambito, anno=2027):
    return {
        (x.codice_pdz, x.intervento_pdz, x.fonte, x.programmato)
        for x in LineaBudget.objects.filter(ambito=ambito, anno=anno)
    }


def _state(anno=2027):
    return (
        sorted(
            LineaBudget.objects.filter(anno=anno).values_list("codice_pdz", "intervento_pdz", "fonte", "programmato")
        ),
        LineaBudget.history.count(),
    )


def _osservatorio(monkeypatch, **changes):
    rows = [dict(r) for r in sim.INTERVENTI["BA01"]]
    for row in rows:
        row.update(changes.get(row["codice"], {}))
    monkeypatch.setitem(sim.INTERVENTI, "BA01", rows)


def test_import_creates_lines_and_a_reimport_changes_nothing(simulators, ambito, udp):
    before = LineaBudget.objects.count()
    assert import_piano_di_zona(ambito, 2027, udp) == {"create": 2, "aggiornate": 0, "invariate": 0}
    assert _lines(ambito) == {
        ("SAD-01", "Servizio di assistenza domiciliare", "fnps", Decimal("420000.00")),
        ("PIS-01", "Pronto intervento sociale", "poverta", Decimal("95000.00")),
    }
    history = LineaBudget.history.filter(codice_pdz="SAD-01").get()
    assert history.history_change_reason == "Importato dall'Osservatorio piani di zona"
    assert history.history_user == udp
    state = _state()
    assert import_piano_di_zona(ambito, 2027, udp) == {"create": 0, "aggiornate": 0, "invariate": 2}
    assert _state() == state
    assert LineaBudget.objects.count() == before + 2
    assert ChiamataInterop.objects.filter(e_service="osservatorio", esito="ok", operatore=udp).count() == 2


def test_reimport_updates_amounts_in_place(simulators, ambito, udp, monkeypatch):
    import_piano_di_zona(ambito, 2027, udp)
    ids = set(LineaBudget.objects.filter(anno=2027).values_list("pk", flat=True))
    _osservatorio(monkeypatch, **{"SAD-01": {"programmato": "450000.00"}})
    assert import_piano_di_zona(ambito, 2027, udp) == {"create": 0, "aggiornate": 1, "invariate": 1}
    assert set(LineaBudget.objects.filter(anno=2027).values_list("pk", flat=True)) == ids
    sad = LineaBudget.objects.get(anno=2027, codice_pdz="SAD-01")
    assert sad.programmato == Decimal("450000.00")
    assert [h.programmato for h in sad.history.order_by("history_date")] == [Decimal("420000"), Decimal("450000")]


def test_a_line_typed_by_hand_is_adopted_not_duplicated(simulators, ambito, udp):
    hand = LineaBudget.objects.create(
        ambito=ambito,
        anno=2027,
        fonte="fnps",
        intervento_pdz="Servizio di assistenza domiciliare",
        programmato=Decimal("1000"),
    )
    assert import_piano_di_zona(ambito, 2027, udp)["aggiornate"] == 1
    hand.refresh_from_db()
    assert (hand.codice_pdz, hand.intervento_pdz, hand.programmato) == (
        "SAD-01",
        "Servizio di assistenza domiciliare",
        420000,
    )
    assert LineaBudget.objects.filter(anno=2027).count() == 2


def test_a_renamed_line_is_still_found_by_its_code_and_keeps_its_name(simulators, ambito, udp, monkeypatch):
    import_piano_di_zona(ambito, 2027, udp)
    sad = LineaBudget.objects.get(anno=2027, codice_pdz="SAD-01")
    sad.intervento_pdz = "SAD comunale (quota ambito)"  # the Ufficio di Piano's own label
    sad.save()
    _osservatorio(monkeypatch, **{"SAD-01": {"programmato": "430000.00", "denominazione": "SAD anziani"}})
    assert import_piano_di_zona(ambito, 2027, udp) == {"create": 0, "aggiornate": 1, "invariate": 1}
    sad.refresh_from_db()
    assert (sad.intervento_pdz, sad.programmato) == ("SAD comunale (quota ambito)", Decimal("430000.00"))
    assert LineaBudget.objects.filter(anno=2027).count() == 2


def test_a_hand_line_whose_name_starts_with_a_code_is_not_taken_for_it(simulators, ambito, udp):
    """Only codice_pdz identifies an imported line: a label that looks like "<code> — …" is just a label."""
    hand = LineaBudget.objects.create(
        ambito=ambito,
        anno=2027,
        fonte="regionale",
        intervento_pdz="SAD-01 — integrazione regionale",
        programmato=Decimal("1000"),
    )
    assert import_piano_di_zona(ambito, 2027, udp)["create"] == 2
    hand.refresh_from_db()
    assert (hand.codice_pdz, hand.fonte, hand.programmato) == ("", "regionale", Decimal("1000"))


def test_the_code_is_unique_per_ambito_and_year_but_blank_for_any_number_of_hand_lines(ambito):
    other = foreign_ambito()

    def line(ente, anno, codice, nome="Linea"):
        return LineaBudget(ambito=ente, anno=anno, fonte="fnps", intervento_pdz=nome, codice_pdz=codice, programmato=1)

    for linea in (line(ambito, 2027, ""), line(ambito, 2027, ""), line(ambito, 2027, "SAD-01")):
        linea.full_clean()
        linea.save()
    line(ambito, 2028, "SAD-01").save()  # another year
    line(other, 2027, "SAD-01").save()  # another ambito
    duplicate = line(ambito, 2027, "SAD-01", nome="Altro nome")
    with pytest.raises(ValidationError, match="ha già una linea di budget con questo codice"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_the_migration_fills_the_code_of_the_lines_the_import_named(ambito):
    """Before 0002 the import wrote "<codice> — <denominazione>" as the name, with its own change reason."""

    def line(nome, reason=None):
        linea = LineaBudget(ambito=ambito, anno=2026, fonte="fnps", intervento_pdz=nome, programmato=Decimal("10"))
        if reason:
            linea._change_reason = reason
        linea.save()
        return linea

    imported = line("SAD-01 — Servizio di assistenza domiciliare", IMPORT_REASON)
    renamed = LineaBudget.objects.get(pk=line("PIS-01 — Pronto intervento sociale", IMPORT_REASON).pk)
    renamed.intervento_pdz = "Pronto intervento — quota comuni"  # renamed by hand after the import
    renamed.save()
    by_hand = line("FNA-99 — scritta a mano")  # looks like an imported name, was not imported
    migration = importlib.import_module("cse.ambito.migrations.0002_lineabudget_codice_pdz")
    migration.fill_codice_pdz(apps, SimpleNamespace(connection=connection))
    codes = dict(LineaBudget.objects.filter(anno=2026).values_list("pk", "codice_pdz"))
    assert (codes[imported.pk], codes[renamed.pk], codes[by_hand.pk]) == ("SAD-01", "PIS-01", "")


def _commit(udp, linea, importo):
    """A commitment of `importo` on the line for an intervention of a case the ambito holds."""
    worker = OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")
    case = ambito_case(AssistitoFactory(ente=home_comune()), by=worker)
    intervento = InterventoPianificato.objects.create(cartella=case, voce=VoceNomenclatore.objects.get(codice="A2.07"))
    return Impegno.objects.create(linea=linea, intervento=intervento, importo=Decimal(importo), impegnato_da=udp)


def test_never_below_what_is_committed_and_nothing_is_written(simulators, ambito, udp, monkeypatch):
    import_piano_di_zona(ambito, 2027, udp)
    pis = LineaBudget.objects.get(anno=2027, codice_pdz="PIS-01")
    _commit(udp, pis, "90000")
    # SAD-01 (imported first) changes too: the refusal on PIS-01 must leave it as it was (one transaction)
    _osservatorio(monkeypatch, **{"SAD-01": {"programmato": "1.00"}, "PIS-01": {"programmato": "89999.99"}})
    state = _state()
    with pytest.raises(ValidationError) as exc:
        import_piano_di_zona(ambito, 2027, udp)
    assert "l'Osservatorio indica € 89.999,99, ma sono già impegnati € 90.000,00" in exc.value.messages[0]
    assert "Nessuna linea è stata modificata" in exc.value.messages[0]
    assert _state() == state
    # exactly the committed amount is allowed
    _osservatorio(monkeypatch, **{"SAD-01": {"programmato": "1.00"}, "PIS-01": {"programmato": "90000.00"}})
    assert import_piano_di_zona(ambito, 2027, udp)["aggiornate"] == 2


def test_unknown_funding_source_is_refused_whole(simulators, ambito, udp, monkeypatch):
    _osservatorio(monkeypatch, **{"PIS-01": {"fonte": "Fondo sconosciuto"}})
    state = _state()
    with pytest.raises(ValidationError, match="Fondo sconosciuto"):
        import_piano_di_zona(ambito, 2027, udp)
    assert _state() == state


def test_only_the_ufficio_di_piano_of_the_ambito_imports(simulators, ambito):
    for user in (_other_udp(), OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale")):
        with pytest.raises(ValidationError):
            import_piano_di_zona(ambito, 2027, user)
    assert not LineaBudget.objects.filter(anno=2027).exists()
    assert not ChiamataInterop.objects.filter(e_service="osservatorio").exists()


def _offline(monkeypatch):
    original = httpx.Client.send

    def send(self, request, **kwargs):
        if "token.oauth2" not in str(request.url):
            request.headers["X-Simulatore-Scenario"] = "offline"
        return original(self, request, **kwargs)

    monkeypatch.setattr(httpx.Client, "send", send)


def test_button_on_the_budget_page(simulators, ambito, udp, client_for):
    client = client_for(udp)
    page = client.get(reverse("ambito:budget"))
    assert reverse("ambito:budget_import") in page.content.decode()
    response = client.post(reverse("ambito:budget_import"), {"pdz-anno": "2027"}, follow=True)
    text = response.content.decode()
    assert "Piano di zona 2027 importato dall&#x27;Osservatorio: 2 linee create" in text
    assert 'Servizio di assistenza domiciliare <small class="text-muted">(codice Osservatorio SAD-01)</small>' in text


def test_osservatorio_down_gives_an_italian_message_and_the_hand_form(simulators, ambito, udp, client_for, monkeypatch):
    _offline(monkeypatch)
    client = client_for(udp)
    response = client.post(reverse("ambito:budget_import"), {"pdz-anno": "2027"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Piano di zona 2027 non importato" in text
    assert "non risponde in questo momento" in text
    assert "Nuova linea di budget" in text  # the operator continues by hand
    assert not LineaBudget.objects.filter(anno=2027).exists()
    assert ChiamataInterop.objects.get(e_service="osservatorio").esito == "non_disponibile"


def test_bad_year_and_other_ambito_not_in_the_osservatorio(simulators, ambito, client_for):
    client = client_for(_other_udp())
    text = client.post(reverse("ambito:budget_import"), {"pdz-anno": "abc"}, follow=True).content.decode()
    assert "Indicare un anno valido." in text
    text = client.post(reverse("ambito:budget_import"), {"pdz-anno": "2027"}, follow=True).content.decode()
    assert "non importato" in text and "nessun dato trovato" in text
    assert not LineaBudget.objects.filter(anno=2027).exists()


def test_operators_without_manage_piano_get_404(simulators, ambito, client_for):
    client = client_for(OperatoreFactory(ente=home_comune(), ruolo="assistente_sociale"))
    assert client.post(reverse("ambito:budget_import"), {"pdz-anno": "2027"}).status_code == 404
    assert not ChiamataInterop.objects.exists()


def test_management_command(simulators, ambito, udp, capsys):
    call_command("import_piano_di_zona", ambito="BA01", anno=2027, operatore=udp.username)
    assert "2 linee create" in capsys.readouterr().out
    call_command("import_piano_di_zona", ambito="BA01", anno=2027, operatore=udp.username)
    assert "2 invariate" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Solo l'Ufficio di Piano"):
        call_command("import_piano_di_zona", ambito="BA01", anno=2027, operatore=_other_udp().username)
    with pytest.raises(CommandError, match="Nessun ambito"):
        call_command("import_piano_di_zona", ambito="XX99", anno=2027, operatore=udp.username)


def test_command_reports_the_osservatorio_down(simulators, ambito, udp, monkeypatch):
    _offline(monkeypatch)
    with pytest.raises(CommandError, match="non risponde"):
        call_command("import_piano_di_zona", ambito="BA01", anno=2027, operatore=udp.username)
    assert not LineaBudget.objects.filter(anno=2027).exists()
