"""Possible duplicates of one comune (the rules, the worklist, dismissal) and the reversible merge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.db import connection

from cse.cartella.actions.assistito import (
    assistito_merge,
    assistito_register,
    assistito_update,
    contatto_add,
    isee_add,
    relazione_add,
)
from cse.cartella.actions.doppioni import assistito_unmerge, doppione_escludi
from cse.cartella.doppioni import codice_fiscale_base, similarity, stp_eni_problems, tipo_identificativo
from cse.cartella.models import Assistito, Cartella, ContattoEsterno, Isee, Relazione, StatoUnione, Unione
from cse.cartella.selectors import duplicate_worklist, possible_duplicates
from cse.core.models import OutboxEvent
from tests.support.factories import CartellaFactory, OperatoreFactory, codice_fiscale_for, register_person
from tests.support.places import neighbour_comune

BORN = date(1971, 5, 9)


def person(ente, cognome, nome, *, born=BORN, sesso="F", **extra):
    return register_person(
        ente, cognome=cognome, nome=nome, sesso=sesso, data_nascita=born, confirm_not_duplicate=True, **extra
    )


def without_cf(ente, cognome, nome, code, *, born=BORN, sesso="M", luogo="Z330"):
    return assistito_register(
        ente=ente,
        cognome=cognome,
        nome=nome,
        sesso=sesso,
        data_nascita=born,
        luogo_nascita=luogo,
        identificativo_temporaneo=code,
        confirm_not_duplicate=True,
    )


def pairs(user, ente) -> dict[tuple[int, int], list[str]]:
    return {c.key: c.reasons for c in duplicate_worklist(user, ente)}


def key(a, b) -> tuple[int, int]:
    return tuple(sorted((a.pk, b.pk)))


def test_similarity_is_pg_trgm_s_measure():
    # PostgreSQL's documentation: similarity('word', 'two words') = 0.363636
    assert round(similarity("word", "two words"), 6) == 0.363636
    assert similarity("ROSSI MARIA", "MARIA ROSSI") == 1.0
    assert similarity("ROSSI MARIA", "BIANCHI LUCA") < 0.2


@pytest.mark.django_db
def test_pg_trgm_and_the_python_fallback_give_the_same_score():
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is a PostgreSQL extension: this runs in the PostgreSQL pass of CI (.ci/run step 2)")
    names = [("ROSSI MARIA", "ROSI MARIA"), ("DE LUCA ANNA", "DELUCA ANNA"), ("ESPOSITO CIRO", "ESPOSITO CIRA")]
    with connection.cursor() as cursor:
        for a, b in names:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6)


def test_omocodic_variants_share_their_base_code():
    cf = codice_fiscale_for("Rossi", "Maria", "F", BORN, "F284")
    variants = codicefiscale.decode(cf)["omocodes"]
    assert {codice_fiscale_base(v) for v in variants} == {cf[:15]}
    assert codice_fiscale_base(codice_fiscale_for("Rossi", "Marta", "F", BORN, "F284")) != cf[:15]


def test_stp_and_eni_codes_have_their_official_format():
    assert stp_eni_problems("STP1600010000123") == []
    assert stp_eni_problems("eni 120 101 0000045") == []
    assert stp_eni_problems("STP12345") and "16 caratteri" in stp_eni_problems("STP12345")[0]
    assert stp_eni_problems("TEMP-2026-7") == []  # a provisional id of the comune: free format
    assert tipo_identificativo("", "STP1600010000123") == "STP"
    assert tipo_identificativo("", "TEMP-2026-7") == "provvisorio"


@pytest.mark.django_db
def test_registration_refuses_a_malformed_stp_code(comune):
    with pytest.raises(ValidationError) as refused:
        without_cf(comune, "Mansour", "Karim", "STP16000")
    assert "identificativo_temporaneo" in refused.value.message_dict


@pytest.mark.django_db
def test_the_worklist_finds_each_rule_and_nothing_else(comune, worker):
    # a similar name counts only if the codici fiscali do not tell two people apart: here one has none
    rossi, rosi = person(comune, "Rossi", "Mariangela"), without_cf(comune, "Rosi", "Mariangela", "TEMP-1")
    two_cfs = person(comune, "Rizzi", "Mariangela")  # a valid CF of its own: another person
    swapped_a, swapped_b = person(comune, "Greco", "Ilaria"), without_cf(comune, "Ilaria", "Greco", "TEMP-2")
    typo_a = person(comune, "Fontana", "Ludovica", born=date(1980, 1, 2))
    typo_b = without_cf(comune, "Fontana", "Ludovica", "TEMP-3", born=date(1980, 2, 1))
    stp_a = without_cf(comune, "Mansour", "Karim", "STP1600010000123", born=date(1990, 1, 1))
    stp_b = without_cf(comune, "Mansur", "Kareem", "stp 160 001 0000123", born=date(1991, 1, 1))
    unrelated = person(comune, "Bianchi", "Lucia")

    found = pairs(worker, comune)

    assert "nome simile" in found[key(rossi, rosi)][0] and "stessa data di nascita" in found[key(rossi, rosi)][0]
    assert found[key(swapped_a, swapped_b)][0] == "nome e cognome invertiti, stessa data di nascita"
    assert found[key(typo_a, typo_b)] == ["stesso nome e cognome, data di nascita diversa"]
    assert found[key(stp_a, stp_b)] == ["stesso codice STP"]
    assert not [k for k in found if unrelated.pk in k]
    assert key(rossi, two_cfs) not in found


@pytest.mark.django_db
def test_omocodic_codici_fiscali_are_the_same_person(comune, worker):
    first = person(comune, "Russo", "Carla")
    variant = codicefiscale.decode(first.codice_fiscale)["omocodes"][3]
    second = assistito_register(
        ente=comune,
        cognome="Russo",
        nome="Carla",
        sesso="F",
        data_nascita=BORN,
        luogo_nascita="F284",
        codice_fiscale=variant,
        confirm_not_duplicate=True,
    )
    assert found_reason(worker, comune, first, second) == "stesso codice fiscale omocodico"
    twins = possible_duplicates(
        ente=comune, cognome="X", nome="Y", data_nascita=date(2000, 1, 1), codice_fiscale=variant, exclude_pk=second.pk
    )
    assert [t.pk for t in twins] == [first.pk]


def found_reason(user, ente, a, b) -> str:
    return pairs(user, ente)[key(a, b)][0]


@pytest.mark.django_db
def test_the_worklist_never_crosses_enti(comune, worker):
    other = neighbour_comune()
    here = person(comune, "Conti", "Marisa")
    there_a, there_b = person(other, "Conti", "Marisa"), without_cf(other, "Conti", "Marisa", "TEMP-9")
    found = pairs(worker, comune)
    assert not [k for k in found if {here.pk, there_a.pk, there_b.pk} & set(k) - {here.pk}]
    assert duplicate_worklist(worker, other) == []  # not the worker's comune: nothing, not even a count
    assert key(there_a, there_b) in pairs(OperatoreFactory(ente=other, ruolo="assistente_sociale"), other)


@pytest.mark.django_db
def test_a_pair_marked_as_two_people_is_not_proposed_again(comune, worker):
    a, b = person(comune, "Ferrari", "Giulia"), without_cf(comune, "Ferrari", "Giulia", "TEMP-5")
    assert key(a, b) in pairs(worker, comune)
    doppione_escludi(a=a, b=b, by=worker, motivo="gemelle")
    doppione_escludi(a=b, b=a, by=worker)  # twice: harmless
    assert key(a, b) not in pairs(worker, comune)
    assert possible_duplicates(ente=comune, cognome="Ferrari", nome="Giulia", data_nascita=BORN, exclude_pk=a.pk) == []


def full_snapshot(*people: Assistito) -> dict:
    """Every stored field of the records and of every row that points at them (not the version counters)."""
    skip = {"version", "updated_at"}
    records = {
        p.pk: {f.attname: getattr(p, f.attname) for f in Assistito._meta.concrete_fields if f.attname not in skip}
        for p in Assistito.objects.filter(pk__in=[p.pk for p in people])
    }
    ids = list(records)
    related = {
        "cartelle": sorted(Cartella.objects.filter(assistito__in=ids).values_list("pk", "assistito_id")),
        "isee": sorted(Isee.objects.filter(assistito__in=ids).values_list("pk", "assistito_id")),
        "relazioni": sorted(
            Relazione.objects.filter(assistito__in=ids).values_list("pk", "assistito_id", "persona_id")
        ),
        "verso": sorted(Relazione.objects.filter(persona__in=ids).values_list("pk", "assistito_id", "persona_id")),
        "contatti": sorted(ContattoEsterno.objects.filter(assistito__in=ids).values_list("pk", "assistito_id")),
    }
    return {"records": records, "related": related}


def merged_scene(comune, worker):
    """A record without CF (registered in a hurry) and the same person with CF, each with rows of their own."""
    keep = without_cf(comune, "Marino", "Sara", "TEMP-2026-41", born=date(1985, 6, 1), sesso="F", luogo="F284")
    dup = person(comune, "Marino", "Sara", born=date(1985, 6, 1), telefono="333 1234567")
    CartellaFactory(assistito=keep, by=worker)
    CartellaFactory(assistito=dup, by=worker)
    isee_add(
        assistito=dup,
        data={
            "tipo": "ordinario",
            "valore": Decimal("8500.00"),
            "protocollo_dsu": "INPS-ISEE-2026-0000001-00",
            "data_presentazione": date(2026, 1, 10),
            "valida_dal": date(2026, 1, 10),
            "valida_al": date(2026, 12, 31),
        },
        by=worker,
    )
    contatto_add(assistito=dup, data={"tipo": "mmg", "nome": "Studio Ferri", "recapito": "080 000000"}, by=worker)
    mother = person(comune, "Esposito", "Anna", born=date(1960, 2, 2))
    relazione_add(assistito=mother, data={"tipo": "figlio", "persona": dup}, by=worker)
    return keep, dup, mother


@pytest.mark.django_db
def test_merge_then_unmerge_restores_both_records_and_their_rows(comune, worker):
    keep, dup, mother = merged_scene(comune, worker)
    before = full_snapshot(keep, dup, mother)

    assistito_merge(keep=keep, duplicate=dup, by=worker, reason="stessa persona", scelte={"telefono": "duplicato"})
    keep.refresh_from_db()
    assert keep.codice_fiscale and keep.telefono == "333 1234567"
    assert set(Cartella.objects.filter(assistito=keep).values_list("pk", flat=True)) == {
        pk for pk, _ in before["related"]["cartelle"]
    }
    unione = Unione.objects.get(principale=keep)

    assistito_unmerge(unione=unione, by=worker, reason="erano due persone")

    assert full_snapshot(keep, dup, mother) == before
    unione.refresh_from_db()
    assert unione.stato == StatoUnione.ANNULLATA and unione.annullata_da == worker
    assert OutboxEvent.objects.filter(event_type="assistito.unione_annullata", aggregate_id=keep.pk).exists()
    assert keep.history.filter(history_change_reason__startswith="annullata l'unione").exists()


@pytest.mark.django_db
def test_unmerge_after_a_conflicting_change_is_refused_and_changes_nothing(comune, worker):
    keep, dup, _mother = merged_scene(comune, worker)
    assistito_merge(keep=keep, duplicate=dup, by=worker, reason="stessa persona", scelte={"telefono": "duplicato"})
    keep.refresh_from_db()
    assistito_update(assistito=keep, data={"telefono": "06 555 0000"}, by=worker, version=keep.version)
    unione = Unione.objects.get(principale=keep)
    after_change = full_snapshot(keep, dup)

    with pytest.raises(ValidationError) as refused:
        assistito_unmerge(unione=unione, by=worker, reason="errore")

    assert "Il campo «telefono» della scheda principale è stato modificato dopo l'unione." in refused.value.messages
    assert full_snapshot(keep, dup) == after_change
    assert Unione.objects.get(pk=unione.pk).stato == StatoUnione.ATTIVA


@pytest.mark.django_db
def test_unmerge_needs_a_reason_and_an_operator_of_the_comune(comune, worker):
    keep, dup, _mother = merged_scene(comune, worker)
    assistito_merge(keep=keep, duplicate=dup, by=worker, reason="stessa persona")
    unione = Unione.objects.get(principale=keep)
    with pytest.raises(ValidationError):
        assistito_unmerge(unione=unione, by=worker, reason=" ")
    stranger = OperatoreFactory(ente=neighbour_comune(), ruolo="assistente_sociale")
    with pytest.raises(ValidationError) as refused:
        assistito_unmerge(unione=unione, by=stranger, reason="prova")
    assert "Solo un operatore del comune" in refused.value.messages[0]
