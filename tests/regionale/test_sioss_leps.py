"""SIOSS LEPS schede from the regional events: a hand-computed scenario, frozen finalised schede, A4 prefill."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from cse.cartella.relay import relay_outbox
from cse.regionale.ingest import ingest_event
from cse.regionale.leps import derive_sioss_leps_counts
from cse.regionale.models import IndicatoreLeps, SchedaLeps, StatoScheda, ValoreLeps
from cse.regionale.services import a4_prefill_import, scheda_finalise, scheda_reopen, valore_manuale_set
from tests.support.factories import CartellaFactory, OperatoreFactory
from tests.support.places import foreign_comune, home_comune, neighbour_comune, resident
from tests.support.regionale import prestazione, to_erogazione

pytestmark = pytest.mark.django_db(databases=["default", "regionale"])


def values(anno, ambito, modulo) -> dict[tuple[str, str], Decimal]:
    rows = ValoreLeps.objects.filter(scheda__anno=anno, scheda__ambito=ambito, scheda__modulo=modulo)
    return {(v.indicatore.codice, v.chiave): v.valore for v in rows.select_related("indicatore")}


def _case_in(comune, **person):
    """A resident of `comune` (who lives in the comune that takes care of them) with a case and its social worker."""
    worker = OperatoreFactory(ente=comune, ruolo="assistente_sociale")
    return CartellaFactory(assistito=resident(comune, **person), by=worker), worker


@pytest.fixture
def scenario(db):
    """Molfetta (BA01): Luca, 76, anziani, two dimissioni protette prestazioni in 2026 + one that ended in 2025 + one
    untagged; Giovinazzo (BA01): Anna, residenza fittizia; Altamura (BA05): Vito, pronto intervento sociale."""
    case, a1 = _case_in(home_comune(), nome="Luca", sesso="M")
    case = to_erogazione(case, a1, area="anziani")
    prestazione(case, a1, "A2.07", date(2026, 2, 1), "480.00", modulo_leps="A3.1")
    prestazione(case, a1, "A2.08", date(2026, 3, 1), "200.00", modulo_leps="A3.1", fonte="fna")
    prestazione(case, a1, "A2.07", date(2025, 5, 1), "90.00", modulo_leps="A3.1", fine=date(2025, 12, 31))
    prestazione(case, a1, "A1.04", date(2026, 4, 1), "70.00", carattere=2)  # no LEPS: not in any scheda
    molfetta = SimpleNamespace(case=case, worker=a1)
    case, a2 = _case_in(neighbour_comune(), nome="Anna", sesso="F")
    case = to_erogazione(case, a2, area="poverta")
    prestazione(case, a2, "A1.05", date(2026, 1, 10), "100.00", carattere=2, modulo_leps="A5", fonte="comunale")
    case, b1 = _case_in(foreign_comune(), nome="Vito", sesso="M")
    case = to_erogazione(case, b1, area="poverta")
    prestazione(case, b1, "A1.04", date(2026, 6, 1), "50.00", carattere=2, modulo_leps="A1", fonte="poverta")
    relay_outbox(sender=ingest_event)
    return molfetta


def test_a_small_scenario_gives_the_hand_computed_leps_figures(scenario):
    derive_sioss_leps_counts(2026)

    assert values(2026, "BA01", "A3.1") == {
        ("beneficiari", ""): 1,
        ("beneficiari_sesso", "M"): 1,
        ("beneficiari_eta", "75+"): 1,
        ("beneficiari_area", "anziani"): 1,
        ("interventi_tipo", "A2.07"): 1,  # the 2025 one ended before the year
        ("interventi_tipo", "A2.08"): 1,
        ("importi_fonte", "fnps"): Decimal("480.00"),
        ("importi_fonte", "fna"): Decimal("200.00"),
        ("processi_fase", "valutazione"): 1,
        ("processi_fase", "progetto"): 1,
        ("processi_fase", "erogazione"): 1,
    }
    a5 = values(2026, "BA01", "A5")
    assert a5[("beneficiari_sesso", "F")] == 1 and a5[("importi_fonte", "comunale")] == Decimal("100.00")
    assert values(2026, "BA05", "A1")[("beneficiari_area", "poverta")] == 1
    assert values(2026, "BA01", "A1") == {}  # Vito's pronto intervento belongs to his ambito only
    # every module of every ambito has a scheda, so an empty one has to be finalised explicitly
    assert SchedaLeps.objects.filter(anno=2026).count() == 2 * 8
    assert values(2025, "BA01", "A3.1") == {}  # not derived yet
    derive_sioss_leps_counts(2025)
    assert values(2025, "BA01", "A3.1")[("interventi_tipo", "A2.07")] == 1


def test_rebuilding_a_year_gives_identical_values(scenario):
    derive_sioss_leps_counts(2026)
    first = sorted(
        ValoreLeps.objects.values_list("scheda__ambito", "scheda__modulo", "indicatore__codice", "chiave", "valore")
    )
    assert derive_sioss_leps_counts(2026) == len(first)
    again = sorted(
        ValoreLeps.objects.values_list("scheda__ambito", "scheda__modulo", "indicatore__codice", "chiave", "valore")
    )
    assert again == first and first


def test_a_finalised_scheda_is_frozen_until_reopened_with_a_reason(scenario):
    derive_sioss_leps_counts(2026)
    scheda = SchedaLeps.objects.get(anno=2026, ambito="BA01", modulo="A3.1")
    with pytest.raises(ValidationError, match="il motivo si indica solo per una scheda vuota"):
        scheda_finalise(scheda=scheda, operatore="analista", motivo_vuota="nessun servizio", version=scheda.version)
    scheda = scheda_finalise(scheda=scheda, operatore="analista", version=scheda.version)
    assert scheda.stato == StatoScheda.FINALIZZATA

    # a late event does not change a finalised scheda …
    a1 = scenario.worker
    prestazione(scenario.case, a1, "A2.07", date(2026, 9, 1), "10.00", modulo_leps="A3.1")
    relay_outbox(sender=ingest_event)
    derive_sioss_leps_counts(2026)
    assert values(2026, "BA01", "A3.1")[("interventi_tipo", "A2.07")] == 1
    # … until the region reopens it, with a reason, and derives again
    with pytest.raises(ValidationError, match="motivo della riapertura"):
        scheda_reopen(scheda=scheda, operatore="analista", motivo=" ", version=scheda.version)
    scheda_reopen(scheda=scheda, operatore="analista", motivo="prestazione tardiva", version=scheda.version)
    derive_sioss_leps_counts(2026)
    assert values(2026, "BA01", "A3.1")[("interventi_tipo", "A2.07")] == 2
    assert list(scheda.passaggi.values_list("a_stato", "operatore")) == [
        ("finalizzata", "analista"),
        ("bozza", "analista"),
    ]


def test_an_empty_scheda_is_finalised_only_with_a_stated_reason(scenario):
    derive_sioss_leps_counts(2026)
    scheda = SchedaLeps.objects.get(anno=2026, ambito="BA01", modulo="A7")
    with pytest.raises(ValidationError, match="indica il motivo"):
        scheda_finalise(scheda=scheda, operatore="analista", version=scheda.version)
    assert SchedaLeps.objects.get(pk=scheda.pk).stato == StatoScheda.BOZZA
    scheda = scheda_finalise(
        scheda=scheda, operatore="analista", motivo_vuota="Servizio non attivato nel 2026", version=scheda.version
    )
    assert (scheda.stato, scheda.motivo_vuota) == (StatoScheda.FINALIZZATA_VUOTA, "Servizio non attivato nel 2026")


def test_professionals_are_typed_on_draft_schede_only_and_survive_a_rebuild(scenario):
    derive_sioss_leps_counts(2026)
    scheda = SchedaLeps.objects.get(anno=2026, ambito="BA01", modulo="A2")
    hours = IndicatoreLeps.objects.get(modulo="A2", codice="ore_profilo")
    scheda = valore_manuale_set(
        scheda=scheda,
        indicatore=hours,
        chiave="assistente sociale",
        valore=Decimal("120"),
        operatore="analista",
        version=scheda.version,
    )
    derive_sioss_leps_counts(2026)
    assert values(2026, "BA01", "A2") == {("ore_profilo", "assistente sociale"): Decimal("120")}
    beneficiaries = IndicatoreLeps.objects.get(modulo="A2", codice="beneficiari")
    with pytest.raises(ValidationError, match="non si compila a mano"):
        valore_manuale_set(
            scheda=scheda,
            indicatore=beneficiaries,
            chiave="x",
            valore=Decimal("5"),
            operatore="analista",
            version=scheda.version,
        )
    with pytest.raises(ValidationError, match="modificata da un altro utente"):
        valore_manuale_set(
            scheda=scheda, indicatore=hours, chiave="educatore", valore=Decimal("1"), operatore="a", version=1
        )


def test_the_a4_prefill_import_is_all_or_nothing(scenario):
    good = "anno;ambito;sezione;voce;valore\n2026;BA01;3;famiglie coinvolte;12\n2026;ba01;6;incontri di équipe;30\n"
    assert a4_prefill_import(name="rpm.csv", content=good.encode(), operatore="analista") == 2
    assert values(2026, "BA01", "A4") == {
        ("rpm_sezione_3", "famiglie coinvolte"): 12,
        ("rpm_sezione_6", "incontri di équipe"): 30,
    }
    bad = "anno,ambito,sezione,voce,valore\n2026,BA05,4,bambini,7\n2026,BA05,5,bambini,x\n2026,BA05,9,altro,1\n"
    with pytest.raises(ValidationError) as refused:
        a4_prefill_import(name="rpm.csv", content=bad.encode(), operatore="analista")
    assert refused.value.messages == [
        "riga 3: anno o valore non numerico",
        "riga 4: sezione «9» non prevista (ammesse 3, 4, 6)",
    ]
    assert values(2026, "BA05", "A4") == {}  # the good first row was not written either
    with pytest.raises(ValidationError, match="Colonne mancanti: valore"):
        a4_prefill_import(name="rpm.csv", content=b"anno;ambito;sezione;voce\n", operatore="analista")


def test_the_a4_prefill_reads_xlsx_and_never_overwrites_a_finalised_scheda(scenario):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["anno", "ambito", "sezione", "voce", "valore"])
    book.active.append([2026, "BA05", 4, "bambini seguiti", 7])
    buffer = BytesIO()
    book.save(buffer)
    assert a4_prefill_import(name="rpm.xlsx", content=buffer.getvalue(), operatore="analista") == 1
    scheda = SchedaLeps.objects.get(anno=2026, ambito="BA05", modulo="A4")
    scheda_finalise(scheda=scheda, operatore="analista", version=scheda.version)
    with pytest.raises(ValidationError, match="è finalizzata: riaprila"):
        a4_prefill_import(name="rpm.xlsx", content=buffer.getvalue(), operatore="analista")
