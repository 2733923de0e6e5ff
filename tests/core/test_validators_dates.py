"""Plausible dates: the shared validators, and the models and forms that use them refuse in Italian."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.validators_dates import is_calendar_date, validate_birth_date, validate_not_past, validate_period

TODAY = date(2026, 11, 20)


def test_birth_date_not_in_the_future_nor_before_1900():
    validate_birth_date(TODAY, today=TODAY)
    validate_birth_date(date(1900, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="non può essere nel futuro"):
        validate_birth_date(TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(ValidationError) as refused:
        validate_birth_date(date(1899, 12, 31), field="data_nascita", today=TODAY)
    assert refused.value.message_dict == {
        "data_nascita": ["La data di nascita non può essere anteriore al 01/01/1900."]
    }


def test_a_period_never_ends_before_it_starts():
    validate_period(TODAY, TODAY, end_field="al")
    validate_period(TODAY, None, end_field="al")  # still open
    with pytest.raises(ValidationError) as refused:
        validate_period(TODAY, TODAY - timedelta(days=1), end_field="al")
    assert refused.value.message_dict == {"al": ["La data di fine non può precedere la data di inizio."]}


def test_an_appointment_is_not_booked_in_the_past():
    now = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone())
    validate_not_past(now, now=now)
    with pytest.raises(ValidationError, match="orario già passato"):
        validate_not_past(now - timedelta(minutes=1), field="inizio", now=now)


@pytest.mark.parametrize(("text", "real"), [("2026-02-28T10:00:00Z", True), ("2026-02-31T10:00:00Z", False)])
def test_calendar_dates(text, real):
    assert is_calendar_date(text) is real
    assert is_calendar_date("2024-02-29") and not is_calendar_date("2025-02-29")


# --- the models and forms that use them ---------------------------------------------------------------------------


def test_models_refuse_a_period_that_ends_before_it_starts():
    from cse.ambito.models import Assegnazione
    from cse.cartella.fasi import Prestazione, VoceNomenclatore
    from cse.cartella.models import Cartella
    from cse.cittadino.agenda import Chiusura, RegolaOrario, Slot
    from cse.regionale.models import PrestazioneCorrente, PrestazioneSiuss

    later, earlier = TODAY, TODAY - timedelta(days=1)
    moment = timezone.now()
    cases = [
        (Cartella(aperta_il=later, chiusa_il=earlier), "chiusa_il"),
        (VoceNomenclatore(valido_dal=later, valido_al=earlier), "valido_al"),
        (Prestazione(data_inizio=later, data_fine=earlier), "data_fine"),
        (RegolaOrario(valida_dal=later, valida_al=earlier), "valida_al"),
        (Chiusura(dal=later, al=earlier), "al"),
        (Slot(inizio=moment, fine=moment - timedelta(minutes=1)), "fine"),
        (Assegnazione(dal=later, al=earlier), "al"),
        (PrestazioneCorrente(data_inizio=later, data_fine=earlier), "data_fine"),
        (PrestazioneSiuss(data_inizio=later, data_fine=earlier), "data_fine"),
    ]
    for instance, field in cases:
        with pytest.raises(ValidationError) as refused:
            instance.clean()
        assert list(refused.value.message_dict) == [field], type(instance).__name__
        assert "precedere" in refused.value.message_dict[field][0] or "prima" in refused.value.message_dict[field][0]


def test_an_assistito_born_in_the_future_is_refused_by_model_and_form():
    from cse.cartella.models import Assistito
    from cse.core.models import Ente
    from cse.locale.forms import AssistitoForm

    with pytest.raises(ValidationError) as refused:
        Assistito(data_nascita=timezone.localdate() + timedelta(days=1)).clean()
    assert refused.value.message_dict == {"data_nascita": ["La data di nascita non può essere nel futuro."]}
    for born, message in (
        (timezone.localdate() + timedelta(days=1), "La data di nascita non può essere nel futuro."),
        (date(1899, 12, 31), "La data di nascita non può essere anteriore al 01/01/1900."),
    ):
        form = AssistitoForm({"data_nascita": born.isoformat()}, enti=Ente.objects.none())
        assert not form.is_valid() and form.errors["data_nascita"] == [message]


def test_agenda_forms_refuse_an_end_before_the_start():
    from cse.cittadino.forms_sportello import ChiusuraForm, RegolaOrarioForm

    chiusura = ChiusuraForm({"dal": "2026-12-10", "al": "2026-12-09", "motivo": "Festa patronale"})
    assert not chiusura.is_valid()
    assert chiusura.errors["al"] == ["La data di fine della chiusura non può precedere quella di inizio."]
    regola = RegolaOrarioForm(
        {"giorno": 0, "ora_inizio": "09:00", "ora_fine": "12:00", "posti": 1, "valida_dal": "2027-01-10"}
        | {"valida_al": "2027-01-01"}
    )
    assert not regola.is_valid()
    assert regola.errors["valida_al"] == ["La fine della validità non può precedere l'inizio."]
