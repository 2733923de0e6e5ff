"""The operator's acts on what remains and what is not due: the residual of a charge paid in part becomes a charge of
its own, with its own pagoPA notice (a paid notice cannot be paid again); a refund (paid twice, paid more than the
notice, paid a notice since annulled, a paid charge annulled) is never typed by hand — it arises from a receipt or an
annulment (`rimborso_dovuto` in ../actions.py, in that transaction) — and is disposed with a payment order (mandato)
to a checked IBAN, or declared not due with the act's reason. One transaction each, with history and the charge's
outbox event."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cse.core.iban import validate_iban
from cse.core.outbox import outbox_append

from ..actions import ZERO, accoda_avviso, lock_charge, require_manager, residuo, save_with_reason
from ..glossary import StatoCompartecipazione
from ..models import Compartecipazione, Rimborso
from ..workflow import RIMBORSO


def _lock_rimborso(rimborso: Rimborso, by) -> tuple[Rimborso, Compartecipazione]:
    require_manager(by, rimborso.ente_id)
    comp = lock_charge(rimborso.compartecipazione)
    return Rimborso.objects.select_for_update().get(pk=rimborso.pk), comp


def _check_mandato(iban: str, intestatario: str, numero: str, data: date | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        validate_iban(iban)
    except ValidationError as exc:
        errors["iban"] = exc.messages
    if not (intestatario or "").strip():
        errors["intestatario"] = ["Indicare l'intestatario del conto."]
    if not (numero or "").strip():
        errors["mandato_numero"] = ["Indicare il numero del mandato di pagamento."]
    if data is None:
        errors["mandato_data"] = ["Indicare la data del mandato."]
    elif data > timezone.localdate():
        errors["mandato_data"] = ["La data del mandato non può essere futura."]
    return errors


@transaction.atomic
def rimborso_disponi(
    *, rimborso: Rimborso, iban: str, intestatario: str, mandato_numero: str, mandato_data: date | None, by
) -> Rimborso:
    errors = _check_mandato(iban, intestatario, mandato_numero, mandato_data)
    if errors:
        raise ValidationError(errors)
    rimborso, comp = _lock_rimborso(rimborso, by)
    RIMBORSO.apply(rimborso, "disponi", by=by, payload={"importo": str(rimborso.importo)}, aggregate=comp)
    rimborso.iban = validate_iban(iban)
    rimborso.intestatario, rimborso.mandato_numero = intestatario.strip(), mandato_numero.strip()
    rimborso.mandato_data, rimborso.deciso_da, rimborso.deciso_il = mandato_data, by, timezone.now()
    save_with_reason(rimborso, by, f"disposto con mandato n. {rimborso.mandato_numero}")
    return rimborso


@transaction.atomic
def rimborso_non_dovuto(*, rimborso: Rimborso, nota: str, by) -> Rimborso:
    """E.g. the excess is set against the next month's charge by an act: the reason is required and kept."""
    nota = (nota or "").strip()
    if not nota:
        raise ValidationError({"nota": ["Indicare perché il rimborso non è dovuto (l'atto che lo stabilisce)."]})
    rimborso, comp = _lock_rimborso(rimborso, by)
    RIMBORSO.apply(rimborso, "non_dovuto", by=by, payload={"motivo": nota[:200]}, aggregate=comp)
    rimborso.nota, rimborso.deciso_da, rimborso.deciso_il = nota, by, timezone.now()
    save_with_reason(rimborso, by, f"non dovuto: {nota}")
    return rimborso


@transaction.atomic
def residuo_da_riscuotere(*, comp: Compartecipazione, by) -> Compartecipazione:
    """The residual of a charge paid in part becomes a charge of its own (same service, month and person), ready for
    the month's notices; at most one per charge (a database constraint)."""
    require_manager(by, comp.ente_id)
    comp = lock_charge(comp)
    somma = residuo(comp)
    if comp.stato != StatoCompartecipazione.PAGATA_IN_PARTE or somma <= 0:
        raise ValidationError("Solo una compartecipazione pagata in parte ha un residuo da riscuotere.")
    if Compartecipazione.objects.filter(residuo_di=comp).exists():
        raise ValidationError("Il residuo di questa compartecipazione è già stato calcolato.")
    nuova = Compartecipazione(
        ente_id=comp.ente_id,
        tariffa_id=comp.tariffa_id,
        codice_voce=comp.codice_voce,
        assistito_id=comp.assistito_id,
        mese=comp.mese,
        quantita=ZERO,
        unita=comp.unita,
        fascia_id=comp.fascia_id,
        importo_unitario=ZERO,
        importo=somma,
        isee_valore=comp.isee_valore,
        isee_protocollo_dsu=comp.isee_protocollo_dsu,
        isee_valida_al=comp.isee_valida_al,
        isee_esito=comp.isee_esito,
        segnalazione=f"Residuo della compartecipazione pagata in parte ({comp.importo} € dovuti).",
        residuo_di=comp,
        calcolata_da=by,
    )
    save_with_reason(nuova, by, "residuo da riscuotere")
    payload = {"residuo_di": comp.pk, "importo": str(somma)}
    outbox_append(aggregate=nuova, event_type="compartecipazione.residuo_calcolato", payload=payload)
    accoda_avviso(nuova, by, timezone.now())
    return nuova
