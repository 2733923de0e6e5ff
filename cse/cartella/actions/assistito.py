"""Actions on the person's record: registration, updates and CF reconciliation, ISEE, relations network, external
contacts, the merge of a duplicate record (history kept on both), and what the operator takes from ANPR and INPS
(the source of each fact recorded with it)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.core.external import FonteDato
from cse.core.models import Comune, Ente
from cse.core.roles import TipoEnte

from .. import ports
from ..anagrafica import ANAGRAFICA_FIELDS
from ..doppioni import (
    TipoIdentificativo,
    codice_fiscale_base,
    normalise_identificativo,
    stp_eni_problems,
    tipo_identificativo,
)
from ..identity import codice_fiscale_problems, normalise_cf
from ..models import Assistito, Cartella
from ..recupero import CAMPI_ANPR, Proposta, impronta, valore_corrente
from ..rete import ContattoEsterno, Isee, Relazione
from ..selectors import possible_duplicates
from ..unione import CHOOSABLE_FIELDS, field_value, rows_to_move, set_field_value, values_of
from . import scadenze
from .doppioni import record_merge
from .ritual import assistito_change, lock_assistito, writing


def _registration_errors(
    *, ente: Ente, cf: str, identificativo_temporaneo: str, confirm_not_duplicate: bool, **identity
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if cf:
        problems = codice_fiscale_problems(cf, **identity)
        if problems:
            errors["codice_fiscale"] = problems
        elif Assistito.objects.filter(owner_ente=ente, codice_fiscale=cf).exists():
            errors["codice_fiscale"] = ["Questa persona è già registrata presso il comune (stesso codice fiscale)."]
    elif not identificativo_temporaneo.strip():
        errors["codice_fiscale"] = [
            "Indicare il codice fiscale o, se la persona non lo ha, un identificativo temporaneo."
        ]
    elif stp_eni_problems(identificativo_temporaneo):
        errors["identificativo_temporaneo"] = stp_eni_problems(identificativo_temporaneo)
    if not errors and not confirm_not_duplicate:
        twins = possible_duplicates(
            ente=ente,
            cognome=identity["cognome"],
            nome=identity["nome"],
            data_nascita=identity["data_nascita"],
            codice_fiscale=cf,
            identificativo_temporaneo=identificativo_temporaneo,
        )
        if twins:
            names = "; ".join(f"{t.cognome} {t.nome}, {t.identificativo}: {t.coppia.reasons[0]}" for t in twins[:3])
            errors["confirm_not_duplicate"] = [
                f"Possibile duplicato: nel comune è già registrata una persona che potrebbe essere la stessa "
                f"({names}). Se si tratta di un'altra persona, confermarlo e registrare di nuovo."
            ]
    return errors


def _stored_identificativo(value: str) -> str:
    """STP and ENI codes are stored in their canonical form (upper case, no spaces), so the same code typed twice
    is found as the same code; a provisional id of the comune is kept as typed."""
    if tipo_identificativo("", value) in (TipoIdentificativo.STP, TipoIdentificativo.ENI):
        return normalise_identificativo(value)
    return value.strip()


def assistito_register(
    *,
    ente: Ente,
    cognome: str,
    nome: str,
    sesso: str,
    data_nascita: date,
    luogo_nascita: str,
    codice_fiscale: str = "",
    identificativo_temporaneo: str = "",
    comune_residenza: Comune | None = None,
    confirm_not_duplicate: bool = False,
    **anagrafica,
) -> Assistito:
    """Register a person in a comune. The CF must match the declared identity; without CF a temporary id is used.
    Someone with the same name and birth date already in the comune stops the registration until the operator
    confirms it is another person (or opens the existing record)."""
    with writing(None):
        if ente.tipo != TipoEnte.COMUNE:
            raise ValidationError("Gli assistiti si registrano presso un comune.")
        cf = normalise_cf(codice_fiscale)
        errors = _registration_errors(
            ente=ente,
            cf=cf,
            identificativo_temporaneo=identificativo_temporaneo,
            confirm_not_duplicate=confirm_not_duplicate,
            cognome=cognome,
            nome=nome,
            sesso=sesso,
            data_nascita=data_nascita,
            luogo_nascita=luogo_nascita,
        )
        if errors:
            raise ValidationError(errors)
        assistito = Assistito(
            owner_ente=ente,
            codice_fiscale=cf,
            identificativo_temporaneo=_stored_identificativo(identificativo_temporaneo),
            cognome=cognome.strip(),
            nome=nome.strip(),
            sesso=sesso,
            data_nascita=data_nascita,
            luogo_nascita=luogo_nascita.upper(),
            comune_residenza=comune_residenza,
            **anagrafica,
        )
        assistito.full_clean()
        assistito.save()
    return assistito


def _check_cf_on_update(locked: Assistito) -> None:
    """A CF given later (reconciling a temporary identifier) is checked like at registration."""
    problems = codice_fiscale_problems(
        locked.codice_fiscale,
        cognome=locked.cognome,
        nome=locked.nome,
        sesso=locked.sesso,
        data_nascita=locked.data_nascita,
        luogo_nascita=locked.luogo_nascita,
    )
    if problems:
        raise ValidationError({"codice_fiscale": problems})
    clash = Assistito.objects.filter(owner_ente_id=locked.owner_ente_id, codice_fiscale=locked.codice_fiscale)
    if clash.exclude(pk=locked.pk).exists():
        raise ValidationError(
            {
                "codice_fiscale": [
                    "Un'altra scheda del comune ha già questo codice fiscale: usare l'unione dei duplicati."
                ]
            }
        )


def assistito_update(*, assistito: Assistito, data: dict, by, version: int | None, reason: str = "") -> Assistito:
    """Update the record; a CF given later (reconciling a temporary identifier) is checked like at registration."""
    with assistito_change(assistito, by=by, version=version) as change:
        locked = change.assistito
        for field in ANAGRAFICA_FIELDS:
            if field in data:
                setattr(locked, field, data[field])
        locked.codice_fiscale = normalise_cf(locked.codice_fiscale)
        if locked.codice_fiscale:
            _check_cf_on_update(locked)
        locked.full_clean()
        change.save(locked, reason=reason or "aggiornamento anagrafica")
        change.event(
            "assistito.aggiornato",
            {
                "comune_residenza": locked.comune_residenza.codice_istat if locked.comune_residenza_id else None,
                "cittadinanza": locked.cittadinanza,
                "condizione_occupazionale": locked.condizione_occupazionale,
                "disabilita": locked.disabilita,
            },
        )
    return locked


def isee_add(*, assistito: Assistito, data: dict, by) -> Isee:
    with assistito_change(assistito, by=by) as change:
        isee = Isee(assistito=change.assistito, **data)
        isee.full_clean()
        isee.save()
        scadenze.isee_expiry_in(change, isee)
        change.event(
            "assistito.isee_registrato",
            {
                "tipo": isee.tipo,
                "valore": str(isee.valore),
                "valida_dal": isee.valida_dal.isoformat(),
                "valida_al": isee.valida_al.isoformat(),
            },
        )
    return isee


def relazione_add(*, assistito: Assistito, data: dict, by) -> Relazione:
    with assistito_change(assistito, by=by) as change:
        locked = change.assistito
        persona = data.get("persona")
        if persona is not None and (persona.owner_ente_id != locked.owner_ente_id or persona.pk == locked.pk):
            raise ValidationError(
                {"persona": ["Si può collegare solo un'altra persona registrata nello stesso comune."]}
            )
        relazione = Relazione(assistito=locked, **data)
        relazione.full_clean()
        relazione.save()
        change.event("assistito.relazione_aggiunta", {"tipo": relazione.tipo, "convivente": relazione.convivente})
    return relazione


def contatto_add(*, assistito: Assistito, data: dict, by) -> ContattoEsterno:
    with assistito_change(assistito, by=by) as change:
        contatto = ContattoEsterno(assistito=change.assistito, **data)
        contatto.full_clean()
        contatto.save()
        change.event("assistito.contatto_aggiunto", {"tipo": contatto.tipo})
    return contatto


def _move_to(keep: Assistito, dup: Assistito, reason: str) -> None:
    """Cases, ISEE, relations and contacts of the duplicate now belong to the record kept (history on each row)."""
    for cartella in Cartella.objects.select_for_update(of=("self",)).filter(assistito=dup):
        cartella.assistito = keep
        cartella._change_reason = f"unione schede: {reason}"[:100]
        cartella.save()
    for model in (Isee, Relazione, ContattoEsterno):
        for row in model.objects.filter(assistito=dup):
            row.assistito = keep
            row._change_reason = "unione schede"
            row.save()
    Relazione.objects.filter(persona=dup).update(persona=keep)


def _merge_refusal(keep: Assistito, dup: Assistito) -> str:
    if keep.owner_ente_id != dup.owner_ente_id or keep.pk == dup.pk:
        return "Si uniscono solo due schede diverse dello stesso comune."
    if (
        dup.codice_fiscale
        and keep.codice_fiscale
        and codice_fiscale_base(dup.codice_fiscale) != codice_fiscale_base(keep.codice_fiscale)
    ):
        return "Le due schede hanno codici fiscali diversi: non sono la stessa persona."
    return ""


def _take_from_duplicate(keep: Assistito, dup: Assistito, scelte: dict[str, str] | None) -> None:
    """The values the operator chose from the duplicate, field by field; the record kept must stay consistent
    with its codice fiscale."""
    for field in CHOOSABLE_FIELDS:
        if (scelte or {}).get(field) == "duplicato":
            set_field_value(keep, field, field_value(dup, field))
    if keep.codice_fiscale:
        problems = codice_fiscale_problems(
            keep.codice_fiscale,
            cognome=keep.cognome,
            nome=keep.nome,
            sesso=keep.sesso,
            data_nascita=keep.data_nascita,
            luogo_nascita=keep.luogo_nascita,
        )
        if problems:
            raise ValidationError(problems)
    keep.full_clean(validate_constraints=False, validate_unique=False)


def assistito_merge(
    *, keep: Assistito, duplicate: Assistito, by, reason: str, scelte: dict[str, str] | None = None
) -> Assistito:
    """Move cases, ISEE, relations and contacts of `duplicate` onto `keep`; the duplicate stays, linked, for history.
    `scelte` names the fields whose value is taken from the duplicate ({"telefono": "duplicato"}). The merge is
    recorded as an `Unione` with what it moved and changed, so that it can be undone (actions/doppioni.py)."""
    with writing(by) as change:
        if not reason.strip():
            raise ValidationError({"reason": ["Indicare il motivo dell'unione."]})
        keep_locked, dup_locked = lock_assistito(keep, None), lock_assistito(duplicate, None)
        refusal = _merge_refusal(keep_locked, dup_locked)
        if refusal:
            raise ValidationError(refusal)
        before = {"principale": values_of(keep_locked), "duplicato": values_of(dup_locked)}
        spostati = rows_to_move(dup_locked)
        _move_to(keep_locked, dup_locked, reason.strip())
        _take_from_duplicate(keep_locked, dup_locked, scelte)
        if not keep_locked.codice_fiscale and dup_locked.codice_fiscale:
            keep_locked.codice_fiscale, dup_locked.codice_fiscale = dup_locked.codice_fiscale, ""
            dup_locked.identificativo_temporaneo = dup_locked.identificativo_temporaneo or f"UNITO-{dup_locked.pk}"
        dup_locked.unito_a = keep_locked
        change.save(dup_locked, reason=f"unita alla scheda {keep_locked.pk}: {reason.strip()}")
        change.save(keep_locked, reason=f"unita la scheda {dup_locked.pk}")
        unione = record_merge(
            keep=keep_locked, dup=dup_locked, by=by, reason=reason.strip(), before=before, spostati=spostati
        )
        change.event("assistito.unificato", {"unito": dup_locked.pk, "unione": unione.pk}, aggregate=keep_locked)
    return keep_locked


# --- what the operator takes from ANPR and INPS (cse/cartella/recupero.py builds the proposal) ---------------------


def _record_identity(
    registro: ports.RegistroProvenienze, *, assistito, proposta: Proposta | None, campi: set[str] | None, by
) -> None:
    """Source of each identity fact: ANPR when the stored value is ANPR's, else typed by hand."""
    ora = timezone.now()
    consultata = datetime.fromisoformat(proposta.consultata_il) if proposta else ora
    for campo in CAMPI_ANPR:
        valore = valore_corrente(assistito, campo)
        if not valore or (campi is not None and campo not in campi):
            continue
        da_anpr = proposta is not None and proposta.anpr.get(campo, "").casefold() == valore.casefold()
        registro.registra(
            assistito=assistito,
            campo=campo,
            fonte=FonteDato.ANPR if da_anpr else FonteDato.MANUALE,
            acquisito_il=consultata if da_anpr else ora,
            impronta=impronta(campo, valore),
            operatore=by,
        )


def _take_isee(registro: ports.RegistroProvenienze, *, assistito, proposta: Proposta, scelti: list[int], by) -> None:
    """Add the chosen ISEE attestations (not those taken on an earlier consultation), each with its INPS source."""
    consultata = datetime.fromisoformat(proposta.consultata_il)
    for index in scelti:
        if not 0 <= index < len(proposta.isee):
            continue
        att = proposta.isee[index]
        if assistito.isee.filter(tipo=att["tipo"], protocollo_dsu=att["protocollo_dsu"]).exists():
            continue  # already taken on an earlier consultation
        record = isee_add(
            assistito=assistito,
            data={
                "tipo": att["tipo"],
                "valore": Decimal(att["valore"]),
                "protocollo_dsu": att["protocollo_dsu"],
                "data_presentazione": date.fromisoformat(att["data_presentazione"]),
                "valida_dal": date.fromisoformat(att["valida_dal"]),
                "valida_al": date.fromisoformat(att["valida_al"]),
            },
            by=by,
        )
        registro.registra(
            assistito=assistito,
            campo="isee",
            fonte=FonteDato.INPS,
            acquisito_il=consultata,
            impronta=impronta("isee", att["protocollo_dsu"]),
            isee=record,
            operatore=by,
        )


def _take_familiari(
    registro: ports.RegistroProvenienze, *, assistito, proposta: Proposta, scelti: list[int], by
) -> None:
    """Add the chosen household members as relations (not those already there), each with its ANPR source."""
    consultata = datetime.fromisoformat(proposta.consultata_il)
    for index in scelti:
        if not 0 <= index < len(proposta.famiglia):
            continue
        membro = proposta.famiglia[index]
        if assistito.relazioni.filter(nominativo=membro["nominativo"]).exists():
            continue
        relazione = relazione_add(
            assistito=assistito,
            data={
                "tipo": membro["tipo"],
                "nominativo": membro["nominativo"],
                "convivente": True,
                "note": f"stato di famiglia ANPR: {membro['legame']}",
            },
            by=by,
        )
        registro.registra(
            assistito=assistito,
            campo="relazione",
            fonte=FonteDato.ANPR,
            acquisito_il=consultata,
            impronta=impronta("relazione", membro["codice_fiscale"]),
            relazione=relazione,
            operatore=by,
        )


def proposta_apply(
    *,
    assistito,
    proposta: Proposta | None,
    isee_scelti: list[int],
    familiari_scelti: list[int],
    by,
    campi: set[str] | None = None,
) -> None:
    """Record the source of each identity fact (ANPR when the stored value is ANPR's, else typed by hand), and
    add the chosen ISEE attestations and household members through the actions above. `campi` limits
    the identity facts recorded (an edit records only what changed or what ANPR confirmed)."""
    with writing(by):
        if proposta is not None and proposta.codice_fiscale != assistito.codice_fiscale:
            proposta = None  # the CF was changed after the consultation: nothing from it is about this person
        registro = ports.registro_provenienze()
        _record_identity(registro, assistito=assistito, proposta=proposta, campi=campi, by=by)
        if proposta is None:
            return
        _take_isee(registro, assistito=assistito, proposta=proposta, scelti=isee_scelti, by=by)
        _take_familiari(registro, assistito=assistito, proposta=proposta, scelti=familiari_scelti, by=by)


def assistito_register_with_proposta(
    *, by, proposta: Proposta | None, isee_scelti: list[int], familiari_scelti: list[int], **registration
) -> Assistito:
    """The person and the chosen parts of the proposal together, or neither."""
    with writing(by):
        assistito = assistito_register(**registration)
        proposta_apply(
            assistito=assistito,
            proposta=proposta,
            isee_scelti=isee_scelti,
            familiari_scelti=familiari_scelti,
            by=by,
        )
    return assistito


def assistito_update_with_proposta(
    *,
    assistito: Assistito,
    data: dict,
    by,
    version: int | None,
    proposta: Proposta | None,
    isee_scelti: list[int],
    familiari_scelti: list[int],
) -> Assistito:
    """The new data and the chosen parts of the proposal together, or neither. The source is recorded only for the
    identity facts that changed or that ANPR confirmed."""
    prima = {c: valore_corrente(assistito, c) for c in CAMPI_ANPR}
    with writing(by):
        updated = assistito_update(assistito=assistito, data=data, by=by, version=version)
        dopo = {c: valore_corrente(updated, c) for c in CAMPI_ANPR}
        proposta_apply(
            assistito=updated,
            proposta=proposta,
            isee_scelti=isee_scelti,
            familiari_scelti=familiari_scelti,
            by=by,
            campi={c for c in CAMPI_ANPR if dopo[c] != prima[c] or (proposta and c in proposta.anpr)},
        )
    return updated
