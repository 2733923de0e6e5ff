"""SIOSS LEPS modules (DM 44/2025, schede A1-A7) computed from the regional events.

Each module collects beneficiaries, professionals, interventions, processes and funding sources (shared/domain.md,
"SIOSS and the LEPS modules"); the field-by-field content of the Allegati is not public, so each module is a set of
configurable indicators (`IndicatoreLeps`) seeded here and editable by the region. A prestazione counts for a module
when the local tier tagged it with that LEPS (`modulo_leps`, inherited from the planned intervention). Values of draft
schede are rebuilt deterministically; finalised schede are frozen until reopened with a reason.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cse.core.codelists.leps import ModuloLeps

from .derivations import DB
from .models import (
    CasoCorrente,
    Dimensione,
    EventoRegionale,
    IndicatoreLeps,
    Misura,
    Origine,
    PrestazioneCorrente,
    SchedaLeps,
    ValoreLeps,
)
from .sql import in_database, leps_event_values

UNKNOWN_AMBITO = "ND"  # e.g. a person without registered residence (residenza fittizia): counted, never dropped

# (codice, etichetta, misura, dimensione) — the same five families for every module (DM 44/2025)
COMMON_INDICATORS: list[tuple[str, str, str, str]] = [
    ("beneficiari", "Beneficiari", Misura.BENEFICIARI, Dimensione.TOTALE),
    ("beneficiari_sesso", "Beneficiari per sesso", Misura.BENEFICIARI, Dimensione.SESSO),
    ("beneficiari_eta", "Beneficiari per fascia d'età", Misura.BENEFICIARI, Dimensione.FASCIA_ETA),
    ("beneficiari_area", "Beneficiari per area di bisogno", Misura.BENEFICIARI, Dimensione.AREA),
    ("interventi_tipo", "Interventi erogati per tipo (codice del nomenclatore)", Misura.INTERVENTI, Dimensione.CODICE),
    ("processi_fase", "Processi attivati: cartelle per fase raggiunta", Misura.PROCESSI, Dimensione.FASE),
    ("importi_fonte", "Importi erogati per fonte di finanziamento (€)", Misura.IMPORTI, Dimensione.FONTE),
    ("professionisti_profilo", "Professionisti coinvolti per profilo", Misura.PROFESSIONISTI, Dimensione.PROFILO),
    ("ore_profilo", "Ore dei professionisti per profilo", Misura.PROFESSIONISTI, Dimensione.PROFILO),
]
# A4 (P.I.P.P.I.): sections 3, 4 and 6 come prefilled from the RPM platform where available (DM 44/2025)
A4_PREFILL_SECTIONS = ("3", "4", "6")


def default_indicators():
    """(modulo, ordine, codice, etichetta, misura, dimensione) of the seeded configuration."""
    for modulo in ModuloLeps:
        rows = list(COMMON_INDICATORS)
        if modulo == ModuloLeps.A4:
            rows += [
                (f"rpm_sezione_{s}", f"Sezione {s} (precompilata da RPM)", Misura.PREFILL, Dimensione.VOCE)
                for s in A4_PREFILL_SECTIONS
            ]
        for ordine, (codice, etichetta, misura, dimensione) in enumerate(rows):
            yield str(modulo), ordine, codice, etichetta, str(misura), str(dimensione)


def seed_indicators(model=IndicatoreLeps, using: str = DB) -> int:
    """Create the default indicators that do not exist yet (idempotent; the region may edit or disable them)."""
    created = 0
    for modulo, ordine, codice, etichetta, misura, dimensione in default_indicators():
        _obj, was_created = model.objects.using(using).get_or_create(
            modulo=modulo,
            codice=codice,
            defaults={"etichetta": etichetta, "misura": misura, "dimensione": dimensione, "ordine": ordine},
        )
        created += was_created
    return created


def _event_values(anno: int, ambito: str | None) -> dict[tuple[str, str], dict[tuple[str, str], Decimal]]:
    if in_database():
        return leps_event_values(anno, ambito, UNKNOWN_AMBITO)
    return _event_values_python(anno, ambito)


Values = dict[tuple[str, str], Decimal]


def _event_values_python(anno: int, ambito: str | None) -> dict[tuple[str, str], Values]:
    """(ambito, modulo) → {(misura+dimensione, chiave): value}, from the prestazioni tagged with a LEPS and active
    during the year (current state of each), their cases' area, and the phases the cases reached in the year."""
    prestazioni = _active_prestazioni(anno, ambito)
    all_cases = {p["case_key"] for items in prestazioni.values() for p in items}
    areas = dict(CasoCorrente.objects.exclude(area="").values_list("case_key", "area"))
    phases = _phases_reached(anno, all_cases)
    return {key: _module_values(items, areas, phases) for key, items in prestazioni.items()}


def _active_prestazioni(anno: int, ambito: str | None) -> dict[tuple[str, str], list[dict]]:
    """The year's active prestazioni tagged with a LEPS, grouped by (ambito, modulo); one ambito, the unknown one,
    or all."""
    start, end = date(anno, 1, 1), date(anno, 12, 31)
    active = PrestazioneCorrente.objects.exclude(modulo_leps="").filter(
        Q(data_fine__isnull=True) | Q(data_fine__gte=start), data_inizio__lte=end, revocata=False
    )
    if ambito == UNKNOWN_AMBITO:
        active = active.filter(ambito="")
    elif ambito is not None:
        active = active.filter(ambito=ambito)
    prestazioni: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for p in active.order_by("prestazione_key").values().iterator(chunk_size=10_000):
        prestazioni[(p["ambito"] or UNKNOWN_AMBITO, p["modulo_leps"])].append(p)
    return prestazioni


def _phases_reached(anno: int, cases: set[str]) -> dict[str, set[str]]:
    """case_key → the phases the case moved to during the year (only the given cases)."""
    start, end = date(anno, 1, 1), date(anno, 12, 31)
    phases: dict[str, set[str]] = defaultdict(set)
    transitions = EventoRegionale.objects.filter(
        event_type="cartella.fase_cambiata", evento_del__gte=start, evento_del__lte=end
    )
    for case_key, target in transitions.values_list("case_key", "payload__data__a").iterator(chunk_size=10_000):
        if case_key in cases:
            phases[case_key].add(target)
    return phases


def _module_values(items: list[dict], areas: dict[str, str], phases: dict[str, set[str]]) -> Values:
    """The values of one (ambito, modulo): interventions and amounts per prestazione, beneficiaries counted once per
    person (with the area of the case of their first prestazione), phases counted once per case."""
    values: Values = defaultdict(Decimal)
    people: dict[str, dict] = {}
    for p in items:
        people.setdefault(p["soggetto"], {**p, "area": areas.get(p["case_key"]) or "nd"})
        values[(Misura.INTERVENTI + Dimensione.CODICE, p["codice"])] += 1
        values[(Misura.IMPORTI + Dimensione.FONTE, p["fonte"])] += p["importo"]
    for person in people.values():
        _add_beneficiary(values, person)
    for case_key in {p["case_key"] for p in items}:
        for fase in phases.get(case_key, ()):
            values[(Misura.PROCESSI + Dimensione.FASE, fase)] += 1
    return dict(values)


def _add_beneficiary(values: Values, person: dict) -> None:
    """One beneficiary in the total and in each breakdown (sex, age band, area)."""
    values[(Misura.BENEFICIARI + Dimensione.TOTALE, "")] += 1
    values[(Misura.BENEFICIARI + Dimensione.SESSO, person["sesso"])] += 1
    values[(Misura.BENEFICIARI + Dimensione.FASCIA_ETA, person["fascia_eta"])] += 1
    values[(Misura.BENEFICIARI + Dimensione.AREA, person["area"])] += 1


@transaction.atomic(using=DB)
def derive_sioss_leps_counts(anno: int, ambito: str | None = None) -> int:
    """Rebuild the event-based values of the year's draft schede (one ambito or all); returns the values written.

    Every module of every ambito seen in the events gets a scheda, so an empty module is visible and must be
    finalised with a reason rather than forgotten.
    """
    seed_indicators()
    computed = _event_values(anno, ambito)
    ambiti = {a for a, _ in computed}
    existing = SchedaLeps.objects.using(DB).filter(anno=anno)
    if ambito is not None:
        existing = existing.filter(ambito=ambito)
        ambiti.add(ambito)
    ambiti |= set(existing.values_list("ambito", flat=True))
    indicators = [i for i in IndicatoreLeps.objects.using(DB).filter(attivo=True) if i.origine == Origine.EVENTI]
    now = timezone.now()
    written = []
    for where in sorted(ambiti):
        for modulo in ModuloLeps:
            scheda, _ = SchedaLeps.objects.using(DB).get_or_create(anno=anno, ambito=where, modulo=modulo)
            if not scheda.modificabile:
                continue
            scheda.valori.filter(origine=Origine.EVENTI).delete()
            values = computed.get((where, modulo), {})
            for indicator in (i for i in indicators if i.modulo == modulo):
                for (measure, chiave), valore in sorted(values.items()):
                    if measure == indicator.misura + indicator.dimensione:
                        written.append(
                            ValoreLeps(
                                scheda=scheda,
                                indicatore=indicator,
                                chiave=chiave,
                                valore=valore,
                                origine=Origine.EVENTI,
                            )
                        )
            SchedaLeps.objects.using(DB).filter(pk=scheda.pk).update(calcolata_il=now)
    ValoreLeps.objects.using(DB).bulk_create(written, batch_size=2000)
    return len(written)
