"""Actions on the phase records and what is planned and delivered: scheda di accesso, valutazione, progetto,
chiusura, interventi pianificati, prestazioni, and the ente erogatore of either. One case change each (version
check, history, diary line, outbox event)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cse.core.codelists.scadenze import TipoScadenza
from cse.core.models import Ente

from ..erogatore import allowed_enti_erogatori, ente_erogatore_default
from ..fasi import InterventoPianificato, Prestazione
from ..glossary import StatoCartella
from ..models import Cartella
from ..records import PHASE_RECORDS, prestazione_payload, refuse_outside
from . import scadenze
from .ritual import case_change

S = StatoCartella


def phase_record_save(*, cartella: Cartella, record: str, data: dict, by, version: int | None) -> models.Model:
    spec = PHASE_RECORDS[record]
    with case_change(cartella, by=by, version=version) as change:
        locked = change.cartella
        refuse_outside(locked, spec.editable_in, spec.label)
        obj = spec.model.objects.filter(cartella=locked).first() or spec.model(cartella=locked)
        for field, value in data.items():
            setattr(obj, field, value)
        obj.full_clean()
        obj.save()
        if record == "progetto":
            scadenze.progetto_review_in(change, obj)
        change.diary(f"Aggiornata {spec.label}.")
        change.event(f"cartella.{record}_aggiornata", spec.payload(obj))
    return obj


def intervento_plan(*, cartella: Cartella, data: dict, by, version: int | None) -> InterventoPianificato:
    with case_change(cartella, by=by, version=version) as change:
        locked = change.cartella
        refuse_outside(locked, frozenset({S.PROGETTO, S.EROGAZIONE}), "gli interventi pianificati")
        intervento = InterventoPianificato(cartella=locked, **data)
        if not intervento.ente_erogatore_id:
            intervento.ente_erogatore = ente_erogatore_default(
                cartella=locked, voce=intervento.voce, on=intervento.entro_il or timezone.localdate()
            )
        intervento.full_clean()
        intervento.save()
        change.diary(f"Pianificato l'intervento {intervento.voce}.")
        change.event(
            "cartella.intervento_pianificato",
            {
                "intervento": intervento.pk,
                "codice": intervento.voce.codice,
                "fonte": intervento.fonte,
                "modulo_leps": intervento.modulo_leps or None,
                "ore_previste": str(intervento.ore_previste) if intervento.ore_previste is not None else None,
                "importo_previsto": (
                    str(intervento.importo_previsto) if intervento.importo_previsto is not None else None
                ),
            },
        )
    return intervento


def _fill_from_intervento(locked: Cartella, prestazione: Prestazione) -> None:
    if prestazione.intervento_id and prestazione.intervento.cartella_id != locked.pk:
        raise ValidationError({"intervento": ["L'intervento indicato non appartiene a questa cartella."]})
    if prestazione.intervento_id and not prestazione.modulo_leps:
        prestazione.modulo_leps = prestazione.intervento.modulo_leps
    if not prestazione.ente_erogatore_id:
        prestazione.ente_erogatore = ente_erogatore_default(
            cartella=locked, voce=prestazione.voce, on=prestazione.data_inizio, intervento=prestazione.intervento
        )


def prestazione_register(*, cartella: Cartella, data: dict, by, version: int | None) -> Prestazione:
    """A delivered intervention: the unit that SIUSS will receive."""
    with case_change(cartella, by=by, version=version) as change:
        locked = change.cartella
        refuse_outside(locked, frozenset({S.EROGAZIONE}), "le prestazioni erogate")
        prestazione = Prestazione(cartella=locked, **data)
        _fill_from_intervento(locked, prestazione)
        prestazione.full_clean()
        prestazione.save()
        scadenze.prestazione_end_in(change, prestazione)
        change.diary(f"Registrata la prestazione {prestazione.voce}.")
        change.event("cartella.prestazione_erogata", prestazione_payload(prestazione))
    return prestazione


def prestazione_end(*, prestazione: Prestazione, data_fine: date, by, version: int | None) -> Prestazione:
    with case_change(prestazione.cartella, by=by, version=version) as change:
        locked = change.cartella
        refuse_outside(locked, frozenset({S.EROGAZIONE}), "le prestazioni erogate")
        prestazione = Prestazione.objects.select_for_update().get(pk=prestazione.pk, cartella=locked)
        prestazione.data_fine = data_fine
        prestazione.full_clean()
        prestazione.save()
        scadenze.close_for_origin_in(
            change, prestazione, tipo=TipoScadenza.FINE_PRESTAZIONE, note="prestazione conclusa"
        )
        change.diary(f"Conclusa la prestazione {prestazione.voce}.")
        change.event("cartella.prestazione_conclusa", prestazione_payload(prestazione))
    return prestazione


def ente_erogatore_change(*, record, ente: Ente, reason: str, by):
    """Change the ente erogatore of a Prestazione or InterventoPianificato; the reason goes into the history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Indicare il motivo del cambio di ente erogatore (atto di concessione)."]})
    with case_change(record.cartella, by=by, allow_closed=True) as change:
        locked = change.cartella
        if ente.pk not in {e.pk for e in allowed_enti_erogatori(locked)}:
            raise ValidationError(
                {"ente_erogatore": ["L'ente erogatore deve essere il comune, il suo ambito o la sua regione."]}
            )
        obj = type(record).objects.select_for_update().get(pk=record.pk, cartella=locked)
        previous = obj.ente_erogatore
        obj.ente_erogatore = ente
        obj._change_reason = f"ente erogatore: {reason}"[:100]
        obj.full_clean()
        obj.save()
        change.diary(f"Ente erogatore di {obj.voce}: {previous or '—'} → {ente}. Motivo: {reason}")
        change.event("cartella.ente_erogatore_cambiato", {"codice": obj.voce.codice, "ente": ente.codice})
    return obj
