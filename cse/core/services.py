"""Writers of territory, enti and operators. Each is one transaction; bad input raises ValidationError in Italian."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Ambito, Comune, Ente, Incarico, Operatore, Regione
from .permissions import ente_groups_ensure, forget_cached_capabilities, group_name
from .roles import ROLES_BY_TIPO_ENTE, Ruolo, TipoEnte
from .validators import CF_MESSAGE, is_valid_codice_fiscale

ISTAT_CSV_COLUMNS = ("codice_istat", "nome", "codice_catastale", "sigla_provincia", "codice_regione", "regione")
BUNDLED_COMUNI_CSV = Path(__file__).parent / "data" / "comuni-istat-2020.csv"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    ceased: int


@transaction.atomic
def comuni_import(rows: Iterable[dict[str, str]], *, mark_missing_ceased: bool = False) -> ImportResult:
    """Upsert comuni from the ISTAT layout; comuni no longer listed are kept and, on request, marked ceased."""
    regioni = {r.codice_istat: r for r in Regione.objects.all()}
    existing = {c.codice_istat: c for c in Comune.objects.all()}
    seen: set[str] = set()
    to_create, to_update = [], []
    for line, row in enumerate(rows, start=2):
        missing = [col for col in ISTAT_CSV_COLUMNS if not (row.get(col) or "").strip()]
        if missing:
            raise ValidationError(f"Riga {line}: mancano i campi {', '.join(missing)}.")
        istat, belfiore = row["codice_istat"].strip(), row["codice_catastale"].strip().upper()
        if not re.fullmatch(r"\d{6}", istat):
            raise ValidationError(f"Riga {line}: codice ISTAT «{istat}» non valido (servono 6 cifre).")
        if not re.fullmatch(r"[A-Z]\d{3}", belfiore):
            raise ValidationError(f"Riga {line}: codice catastale «{belfiore}» non valido (lettera e 3 cifre).")
        cod_reg = row["codice_regione"].strip().zfill(2)
        if cod_reg not in regioni:
            regioni[cod_reg] = Regione.objects.create(codice_istat=cod_reg, nome=row["regione"].strip())
        pop = (row.get("popolazione_2011") or "").strip()
        values = {
            "nome": row["nome"].strip(),
            "codice_catastale": belfiore,
            "sigla_provincia": row["sigla_provincia"].strip(),
            "regione": regioni[cod_reg],
            "popolazione": int(pop) if pop.isdigit() else None,
            "soppresso": False,
        }
        seen.add(istat)
        if istat in existing:
            comune = existing[istat]
            if any(getattr(comune, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(comune, k, v)
                to_update.append(comune)
        else:
            to_create.append(Comune(codice_istat=istat, **values))
    Comune.objects.bulk_create(to_create, batch_size=1000)
    Comune.objects.bulk_update(to_update, list(values.keys()), batch_size=1000) if to_update else None
    ceased = 0
    if mark_missing_ceased:
        ceased = Comune.objects.exclude(codice_istat__in=seen).filter(soppresso=False).update(soppresso=True)
    return ImportResult(created=len(to_create), updated=len(to_update), ceased=ceased)


def read_istat_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ISTAT_CSV_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(f"Il file non ha il tracciato ISTAT atteso: mancano le colonne {', '.join(missing)}.")
        return list(reader)


def comune_by_istat(codice_istat: str) -> Comune:
    try:
        return Comune.objects.get(codice_istat=codice_istat)
    except Comune.DoesNotExist:
        raise ValidationError(f"Nessun comune con codice ISTAT «{codice_istat}».") from None


@transaction.atomic
def ente_for_comune(comune: Comune) -> Ente:
    ente, _ = Ente.objects.get_or_create(
        comune=comune,
        defaults={"tipo": TipoEnte.COMUNE, "nome": f"Comune di {comune.nome}", "codice": comune.codice_catastale},
    )
    ente_groups_ensure(ente)
    return ente


@transaction.atomic
def ente_for_ambito(ambito: Ambito) -> Ente:
    ente, _ = Ente.objects.get_or_create(
        ambito=ambito,
        defaults={"tipo": TipoEnte.AMBITO, "nome": f"Ambito territoriale {ambito.nome}", "codice": ambito.codice},
    )
    ente_groups_ensure(ente)
    return ente


@transaction.atomic
def ente_for_regione(regione: Regione) -> Ente:
    ente, _ = Ente.objects.get_or_create(
        regione=regione,
        defaults={"tipo": TipoEnte.REGIONE, "nome": f"Regione {regione.nome}", "codice": f"R{regione.codice_istat}"},
    )
    ente_groups_ensure(ente)
    return ente


def _check_role_fits(ente: Ente, ruolo: str) -> None:
    if ruolo not in ROLES_BY_TIPO_ENTE[ente.tipo]:
        raise ValidationError(
            f"Il ruolo «{Ruolo(ruolo).label}» non è previsto per un ente di tipo {TipoEnte(ente.tipo).label.lower()}."
        )


@transaction.atomic
def operatore_create(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str,
    codice_fiscale: str,
    ente: Ente,
    ruolo: str,
    qualifica: str = "",
) -> Operatore:
    """Create a staff account with its first incarico. Refuses duplicates and weak passwords, writing nothing."""
    User = get_user_model()
    cf = codice_fiscale.strip().upper()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append("Esiste già un utente con questo nome utente.")
    if not is_valid_codice_fiscale(cf):
        errors.setdefault("codice_fiscale", []).append(CF_MESSAGE)
    elif Operatore.objects.filter(codice_fiscale=cf).exists():
        errors.setdefault("codice_fiscale", []).append("Esiste già un operatore con questo codice fiscale.")
    try:
        validate_password(password, User(username=username, first_name=first_name, last_name=last_name, email=email))
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)
    try:
        _check_role_fits(ente, ruolo)
    except ValidationError as exc:
        errors.setdefault("ruolo", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(
        username=username, password=password, first_name=first_name, last_name=last_name, email=email
    )
    operatore = Operatore.objects.create(user=user, codice_fiscale=cf, qualifica=qualifica)
    incarico_assign(operatore=operatore, ente=ente, ruolo=ruolo)
    return operatore


@transaction.atomic
def incarico_assign(*, operatore: Operatore, ente: Ente, ruolo: str) -> Incarico:
    _check_role_fits(ente, ruolo)
    groups = ente_groups_ensure(ente)
    incarico, created = Incarico.objects.get_or_create(operatore=operatore, ente=ente, ruolo=ruolo)
    if not created and not incarico.attivo:
        incarico.attivo = True
        incarico.save()
    operatore.user.groups.add(groups[ruolo])
    forget_cached_capabilities(operatore.user)
    return incarico


@transaction.atomic
def incarico_revoke(*, incarico: Incarico) -> Incarico:
    """Deactivate (never delete: history keeps who held which role when)."""
    incarico.attivo = False
    incarico.save()
    still_needed = Incarico.objects.filter(
        operatore=incarico.operatore, ente=incarico.ente, ruolo=incarico.ruolo, attivo=True
    ).exists()
    if not still_needed:
        incarico.operatore.user.groups.remove(
            *incarico.operatore.user.groups.filter(name=group_name(incarico.ente, incarico.ruolo))
        )
    forget_cached_capabilities(incarico.operatore.user)
    return incarico
