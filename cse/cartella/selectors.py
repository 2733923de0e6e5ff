"""Reads of people and cases for operators: always through visible_to(user); foreign objects are 404."""

from __future__ import annotations

import re
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from cse.core.audit import log_access
from cse.core.models import AccessLog, Ente
from cse.core.permissions import ente_ids_for
from cse.core.roles import Capability

from .doppioni import (
    SIMILARITY_THRESHOLD,
    Coppia,
    Persona,
    codice_fiscale_base,
    compare,
    normalise_identificativo,
    similarity,
)
from .identity import normalise_cf, prefix_range, search_key
from .models import Assistito, Cartella, NonDoppione


def _get_and_log(
    request: HttpRequest,
    qs: QuerySet,
    pk: int,
    *,
    azione: str,
    finalita: str,
    assistito_of,
    ente_of,
    as_case_read: bool = False,
):
    """One object from an already permission-filtered queryset, or 404; every read leaves an AccessLog row.
    `as_case_read`: the row names the object's case, not the object — for items the person may have obscured
    (diary entries, documents), whose own row would outlive them in the access-log pages."""
    try:
        obj = qs.get(pk=pk)
    except qs.model.DoesNotExist:
        raise Http404("Elemento non trovato") from None
    log_access(
        user=request.user,
        assistito_id=assistito_of(obj),
        oggetto_tipo="cartella" if as_case_read else qs.model._meta.model_name,
        oggetto_id=obj.cartella_id if as_case_read else obj.pk,
        ente_id=ente_of(obj),
        azione=azione,
        finalita=finalita,
        request=request,
    )
    return obj


def get_cartella_for(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    capability: str | tuple[str, ...] | None = None,
    azione: str = AccessLog.Azione.CONSULTAZIONE,
    finalita: str = "",
    owner_tipo: str | None = None,
) -> Cartella:
    """The only way a view obtains a case; the read is access-logged. `owner_tipo` narrows to one tier's cases."""
    capability = capability or (Capability.MANAGE_CARTELLE if write else Capability.VIEW_PERSONE)
    qs = Cartella.objects.visible_to(request.user, capability).select_related("assistito", "owner_ente")
    if owner_tipo:
        qs = qs.filter(owner_ente__tipo=owner_tipo)
    return _get_and_log(
        request,
        qs,
        pk,
        azione=azione,
        finalita=finalita,
        assistito_of=lambda c: c.assistito_id,
        ente_of=lambda c: c.owner_ente_id,
    )


def get_assistito_for(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    capability: str | tuple[str, ...] | None = None,
    azione: str = AccessLog.Azione.CONSULTAZIONE,
    finalita: str = "",
) -> Assistito:
    """The only way a view obtains a person; the read is access-logged."""
    capability = capability or (Capability.REGISTER_PERSONE if write else Capability.VIEW_PERSONE)
    qs = Assistito.objects.visible_to(request.user, capability).select_related("owner_ente")
    return _get_and_log(
        request,
        qs,
        pk,
        azione=azione,
        finalita=finalita,
        assistito_of=lambda a: a.pk,
        ente_of=lambda a: a.owner_ente_id,
    )


def assistiti_search(user, query: str = "") -> QuerySet[Assistito]:
    """Search among the people the user may see: by case number, codice fiscale, or surname/name prefix."""
    query = query.strip()
    qs = Assistito.objects.select_related("comune_residenza")
    if not query:
        return qs.visible_to(user)
    wanted = case_number(query)
    if wanted:  # a case number, as printed on the cartella: the people of the visible cases with that number
        visible = qs.visible_to(user)
        return visible.filter(pk__in=Cartella.objects.visible_to(user).filter(numero=wanted).values("assistito_id"))
    cf = normalise_cf(query)
    if len(cf) == 16 and cf.isalnum():
        return qs.visible_to(user, matching=Q(codice_fiscale=cf)).order_by()  # no sort: the planner takes the CF index
    return qs.visible_to(user, matching=person_match(query))


def case_number(query: str) -> str | None:
    """A case number as printed on the cartella ("2026/15") in its stored form ("2026/000015"), else None."""
    numero = re.fullmatch(r"(\d{4})/(\d{1,6})", query.strip())
    return f"{numero.group(1)}/{int(numero.group(2)):06d}" if numero else None


def person_match(query: str, *, path: str = "") -> Q:
    """The people a search term names, as a filter on `path` (the lookup to the Assistito, e.g. "assistito__"):
    the codice fiscale, or the start of surname and/or first name. A term with no usable letters matches nobody."""
    cf = normalise_cf(query)
    if len(cf) == 16 and cf.isalnum():
        return Q(**{f"{path}codice_fiscale": cf})
    keys = [key for key in (search_key(term) for term in query.split()) if key]
    if not keys:
        return Q(pk__in=[])
    if len(keys) == 1:  # one word: surname or first name
        return _prefix(f"{path}cognome_ricerca", keys[0]) | _prefix(f"{path}nome_ricerca", keys[0])
    # several words: the first is (the start of) the surname, the rest the first name — or the other way round —
    # or all of them one surname or name written in parts ("De Luca", "Lo Russo", "Maria Grazia")
    surname_first = _prefix(f"{path}cognome_ricerca", keys[0]) & _prefix(f"{path}nome_ricerca", keys[1])
    name_first = _prefix(f"{path}nome_ricerca", keys[0]) & _prefix(f"{path}cognome_ricerca", keys[1])
    whole = "".join(keys)
    in_one = _prefix(f"{path}cognome_ricerca", whole) | _prefix(f"{path}nome_ricerca", whole)
    return surname_first | name_first | in_one


def search_cases(qs: QuerySet, query: str, *, case: str = "") -> QuerySet:
    """Narrow an already permission-filtered queryset of cases (or of rows of a case: `case` is the lookup to the
    Cartella, e.g. "cartella__") to a search term: case number, codice fiscale or name of the person."""
    query = query.strip()
    if not query:
        return qs
    numero = case_number(query)
    if numero:
        return qs.filter(**{f"{case}numero": numero})
    return qs.filter(person_match(query, path=f"{case}assistito__"))


def _prefix(field: str, key: str) -> Q:
    low, high = prefix_range(key)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def cartelle_of(user, *, owner_ente_id: int | None = None) -> QuerySet[Cartella]:
    qs = Cartella.objects.visible_to(user).select_related("assistito", "owner_ente")
    if owner_ente_id is not None:
        qs = qs.filter(owner_ente_id=owner_ente_id)
    return qs


DOCUMENTI_FINALITA = "documenti"  # every access to a case's documents, list, upload or download, is logged alike

# Who may write what in a case (the owner ente's capability; explicit change grants count too).
CAN_WRITE_ACCESS = (Capability.REGISTER_PERSONE, Capability.MANAGE_CARTELLE)
CAN_MANAGE = Capability.MANAGE_CARTELLE


def ensure_capability(user, cartella: Cartella, capability) -> None:
    """For actions whose required capability depends on the case's state: refuse as if the case did not exist."""
    if not Cartella.objects.visible_to(user, capability).filter(pk=cartella.pk).exists():
        raise Http404("Cartella non trovata")


def capabilities_on(user, cartella: Cartella, capabilities) -> dict:
    """Which of `capabilities` the user holds on this case (one query each): a case page offers only the actions the
    server would accept — the same check as ensure_capability, so a case handed to the ambito shows its comune no
    write action it would be refused."""
    return {cap: Cartella.objects.visible_to(user, cap).filter(pk=cartella.pk).exists() for cap in set(capabilities)}


def get_child_for(request: HttpRequest, model, pk: int, *, capability=Capability.VIEW_PERSONE, finalita: str = ""):
    """A record inside a case (prestazione, diary entry, document): reachable only through a visible case."""
    visible = Cartella.objects.visible_to(request.user, capability).values("pk")
    qs = model.objects.select_related("cartella").filter(cartella__in=visible)
    return _get_and_log(
        request,
        qs,
        pk,
        azione=AccessLog.Azione.CONSULTAZIONE,
        finalita=finalita,
        assistito_of=lambda o: o.cartella.assistito_id,
        ente_of=lambda o: o.cartella.owner_ente_id,
    )


_CASE_ITEM_READ = {
    "azione": AccessLog.Azione.CONSULTAZIONE,
    "assistito_of": lambda o: o.cartella.assistito_id,
    "ente_of": lambda o: o.cartella.owner_ente_id,
    "as_case_read": True,
}


def get_voce_diario_for(request: HttpRequest, pk: int, *, capability=Capability.MANAGE_CARTELLE):
    """A diary entry the user may act on, or 404. An obscured entry answers exactly like a missing one (DPCM 178/2015
    art. 8; Garante: the fact of hiding must not be inferable): it is filtered out before the lookup, and the read is
    logged as a read of the case's diario — never as a row naming the entry, which would survive in the access-log
    pages after the entry is obscured."""
    from .fasi import VoceDiario

    visible = Cartella.objects.visible_to(request.user, capability).values("pk")
    protette = ente_ids_for(request.user, Capability.VIEW_CATEGORIE_PROTETTE)
    qs = VoceDiario.objects.select_related("cartella").filter(
        Q(categoria="") | Q(cartella__owner_ente_id__in=protette), cartella__in=visible, oscurata=False
    )
    return _get_and_log(request, qs, pk, finalita="diario sociale", **_CASE_ITEM_READ)


def get_documento_for(request: HttpRequest, pk: int, *, capability=Capability.VIEW_PERSONE):
    """A document the user may read (or obscure, with manage_cartelle), or 404. An obscured document answers exactly
    like a missing one: the default manager never returns it. The read is logged as a read of the case's documents
    (the finalità of the documents page), never as a row naming the document, which would survive in the access-log
    pages after the document is obscured (same reasoning as get_voce_diario_for)."""
    from .fasi import Documento

    visible = Cartella.objects.visible_to(request.user, capability).values("pk")
    qs = Documento.objects.select_related("cartella").filter(cartella__in=visible)
    return _get_and_log(request, qs, pk, finalita=DOCUMENTI_FINALITA, **_CASE_ITEM_READ)


def worklists(user, *, today=None, query: str = "") -> dict[str, QuerySet[Cartella]]:
    """The role's worklists, all inside what the user may see, narrowed to a search term (search_cases)."""
    from datetime import timedelta

    from django.utils import timezone

    from .glossary import StatoCartella as S

    today = today or timezone.localdate()
    soon = today + timedelta(days=30)
    base = search_cases(Cartella.objects.visible_to(user).select_related("assistito", "owner_ente"), query)
    return {
        "mie": base.filter(case_manager=user).exclude(stato=S.CHIUSA),
        "accessi_aperti": base.filter(stato=S.ACCESSO),
        "da_valutare": base.filter(stato=S.VALUTAZIONE),
        "revisioni": base.filter(stato__in=[S.PROGETTO, S.EROGAZIONE], progetto__data_revisione__lte=soon).order_by(
            "progetto__data_revisione"
        ),
        "in_scadenza": base.filter(
            stato=S.EROGAZIONE, prestazioni__data_fine__gte=today, prestazioni__data_fine__lte=soon
        ).distinct(),
    }


def transmission_worklist(user, query: str = "") -> list[dict]:
    """Per visible case, the problems the transmission to the national system reports (the page "Lavoro").

    A port: the transmission tier owns its models, so the composition root names its reader in
    settings.CSE_TRANSMISSION_WORKLIST (rows: {"cartella": Cartella, "voci": [{"prestazione", "testo"}]}).
    """
    from django.conf import settings
    from django.utils.module_loading import import_string

    rows = import_string(settings.CSE_TRANSMISSION_WORKLIST)(user)
    if query.strip():  # the same search as the other worklists, inside the same visible cases
        wanted = set(search_cases(Cartella.objects.visible_to(user), query).values_list("pk", flat=True))
        rows = [row for row in rows if row["cartella"].pk in wanted]
    return rows


def already_registered(
    user, *, ente: Ente, codice_fiscale: str = "", cognome: str = "", nome: str = "", data_nascita: date | None = None
) -> list[Assistito]:
    """While a person is being registered in `ente`: the records there with the same codice fiscale, or the same
    name and birth date. Only among the people the user may register and see in that ente, so a comune the user does
    not work for answers exactly like a comune with nobody of that name."""
    cf = normalise_cf(codice_fiscale)
    condition = Q(codice_fiscale=cf) if len(cf) == 16 else Q(pk__in=[])
    if search_key(cognome) and search_key(nome) and data_nascita:
        condition |= Q(cognome_ricerca=search_key(cognome), nome_ricerca=search_key(nome), data_nascita=data_nascita)
    qs = Assistito.objects.visible_to(user, Capability.REGISTER_PERSONE).filter(
        condition, owner_ente=ente, unito_a__isnull=True
    )
    return list(qs.order_by("cognome", "nome", "pk")[:3])


# --- possible duplicates (the rules: cse/cartella/doppioni.py) -------------------------------------------------------

DUPLICATE_PAIRS_CAP = 2000  # the worklist reads at most this many candidate pairs per page load (bounded)


def persona_of(row: Assistito) -> Persona:
    """What the duplicate rules read of a record."""
    return Persona(
        pk=row.pk,
        cognome_ricerca=row.cognome_ricerca,
        nome_ricerca=row.nome_ricerca,
        data_nascita=row.data_nascita,
        codice_fiscale=row.codice_fiscale,
        identificativo_temporaneo=row.identificativo_temporaneo,
    )


def _same_person_condition(persona: Persona) -> Q:
    """The rows worth comparing with `persona` (each branch an index of Assistito): same birth date, same names
    (either order), same CF before omocodia, same code without CF."""
    condition = Q(data_nascita=persona.data_nascita) | Q(
        cognome_ricerca=persona.cognome_ricerca, nome_ricerca=persona.nome_ricerca
    )
    if persona.codice_fiscale:
        condition |= Q(codice_fiscale_base=codice_fiscale_base(persona.codice_fiscale))
    elif persona.identificativo_temporaneo:
        condition |= Q(identificativo_temporaneo=persona.identificativo_temporaneo, codice_fiscale="")
    return condition


def possible_duplicates(
    *,
    ente: Ente,
    cognome: str,
    nome: str,
    data_nascita: date,
    exclude_pk: int | None = None,
    codice_fiscale: str = "",
    identificativo_temporaneo: str = "",
) -> list[Assistito]:
    """People of the same comune who may be this person (the rules of cse/cartella/doppioni.py), best first; each
    carries `.coppia` (score and reasons). Pairs an operator marked as two people are left out."""
    persona = Persona(
        pk=exclude_pk or 0,
        cognome_ricerca=search_key(cognome),
        nome_ricerca=search_key(nome),
        data_nascita=data_nascita,
        codice_fiscale=normalise_cf(codice_fiscale),
        identificativo_temporaneo=normalise_identificativo(identificativo_temporaneo),
    )
    rows = Assistito.objects.filter(_same_person_condition(persona), owner_ente=ente, unito_a__isnull=True)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    dismissed = _dismissed_with(exclude_pk) if exclude_pk else set()
    found = []
    for row in rows.order_by("pk")[:200]:
        coppia = compare(persona, persona_of(row)) if row.pk not in dismissed else None
        if coppia:
            row.coppia = coppia
            found.append(row)
    return sorted(found, key=lambda row: (-row.coppia.score, row.pk))


def _dismissed_with(pk: int) -> set[int]:
    pairs = NonDoppione.objects.filter(Q(a_id=pk) | Q(b_id=pk)).values_list("a_id", "b_id")
    return {a if b == pk else b for a, b in pairs}


def _pair_sql(table: str, dismissed: str) -> str:
    """Candidate pairs of one ente, each join on an index: same birth date with a similar name (pg_trgm's
    similarity() on PostgreSQL, the same function in Python on SQLite) or the same CF before omocodia; same names
    with any birth date; same CF before omocodia; same code without CF. Merged records and dismissed pairs out."""
    name = "{t}.cognome_ricerca || ' ' || {t}.nome_ricerca"
    joins = [
        "b.data_nascita = a.data_nascita AND (similarity({na}, {nb}) >= %s OR a.codice_fiscale_base = "
        "b.codice_fiscale_base AND a.codice_fiscale_base <> '')".format(na=name.format(t="a"), nb=name.format(t="b")),
        "b.cognome_ricerca = a.cognome_ricerca AND b.nome_ricerca = a.nome_ricerca",
        "b.codice_fiscale_base = a.codice_fiscale_base AND a.codice_fiscale_base <> ''",
        "b.identificativo_temporaneo = a.identificativo_temporaneo AND a.identificativo_temporaneo <> '' "
        "AND a.codice_fiscale = '' AND b.codice_fiscale = ''",
    ]
    selects = [  # table names from the models' metadata; every value is a query parameter
        f"SELECT a.id AS a_id, b.id AS b_id FROM {table} a JOIN {table} b ON b.owner_ente_id = a.owner_ente_id "  # noqa: S608
        f"AND b.id > a.id AND {join} WHERE a.owner_ente_id = %s AND a.unito_a_id IS NULL AND b.unito_a_id IS NULL"
        for join in joins
    ]
    return (
        f"SELECT p.a_id, p.b_id FROM ({' UNION '.join(selects)}) p WHERE NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {dismissed} d WHERE d.a_id = p.a_id AND d.b_id = p.b_id) ORDER BY p.a_id, p.b_id LIMIT %s"
    )


def _candidate_pairs(ente_id: int) -> list[tuple[int, int]]:
    from django.db import connection

    if connection.vendor == "sqlite":  # pg_trgm's similarity(), the same measure, in Python
        connection.ensure_connection()
        connection.connection.create_function("similarity", 2, similarity, deterministic=True)
    sql = _pair_sql(Assistito._meta.db_table, NonDoppione._meta.db_table)
    params = [SIMILARITY_THRESHOLD, ente_id, ente_id, ente_id, ente_id, DUPLICATE_PAIRS_CAP]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def duplicate_worklist(user, ente: Ente) -> list[Coppia]:
    """The "possibili doppioni" of one comune the user registers people for, best first (at most
    DUPLICATE_PAIRS_CAP candidate pairs are read). Another ente, or one where the user may not register people,
    gives nothing: the people are read only through Assistito.objects.visible_to."""
    if ente.pk not in ente_ids_for(user, Capability.REGISTER_PERSONE):
        return []
    pairs = _candidate_pairs(ente.pk)
    ids = {pk for pair in pairs for pk in pair}
    visible = Assistito.objects.visible_to(user, Capability.REGISTER_PERSONE).filter(owner_ente=ente, pk__in=ids)
    people = {row.pk: row for row in visible}
    found = []
    for a, b in pairs:
        if a in people and b in people and (coppia := compare(persona_of(people[a]), persona_of(people[b]))):
            coppia.persone = (people[a], people[b])
            found.append(coppia)
    return sorted(found, key=lambda c: (-c.score, c.key))
