"""The case domain shared by comune and ambito. The actions in actions/ are the only writers of these tables."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Lookup, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from cse.core.codelists.anagrafica import CondizioneOccupazionale, Disabilita, Protezione
from cse.core.codelists.aree import AreaBisogno
from cse.core.codelists.privacy import BaseGiuridica, TipoDestinatario
from cse.core.models import Comune, Ente
from cse.core.permissions import ente_ids_for, identity_ids, non_comune_ente_ids_for, register_identity_source
from cse.core.roles import Capability
from cse.core.validators import validate_codice_fiscale
from cse.core.validators_dates import validate_birth_date, validate_period

from .doppioni import codice_fiscale_base
from .glossary import StatoCartella
from .identity import search_key


class Sesso(models.TextChoices):
    M = "M", "Maschio"
    F = "F", "Femmina"


def _granted_cartella_ids(user, capability: str | tuple[str, ...]) -> tuple[int, ...]:
    """Explicit per-case grants (équipe member, external UVM member): only unexpired ones count.
    A view grant answers reads only; anything else needs a change grant. Read from the request's identity
    (cse/core/permissions.py), which loads them in the same query as the capabilities."""
    codename = "view_cartella" if capability == Capability.VIEW_PERSONE else "change_cartella"
    return identity_ids(user, _GRANTS, codename)


_GRANTS = "cartella_grant"


def _grant_rows(user, now):
    """The identity source of the grants: (codename, case id) of the user's unexpired per-case grants."""
    return (
        CartellaUserObjectPermission.objects.filter(user=user)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .annotate(c_code=F("permission__codename"), c_id=F("content_object_id"))
    )


register_identity_source(_GRANTS, _grant_rows)


class CartellaQuerySet(models.QuerySet):
    def visible_to(self, user, capability: str | tuple[str, ...] = Capability.VIEW_PERSONE) -> CartellaQuerySet:
        """The only way operator code reads cases: owned by an ente where the user holds `capability`, or granted.

        The grants are resolved to a literal id list first, so the main query stays an index scan on owner_ente_id
        (an OR with a subquery made the planner scan the table; see docs/benchmarks.md).
        """
        if not (user.is_authenticated and user.is_active):
            return self.none()
        condition = Q(owner_ente_id__in=ente_ids_for(user, capability))
        granted = _granted_cartella_ids(user, capability)
        if granted:
            condition |= Q(pk__in=granted)
        return self.filter(condition)


class AssistitoQuerySet(models.QuerySet):
    def visible_to(
        self, user, capability: str | tuple[str, ...] = Capability.VIEW_PERSONE, *, matching: Q | None = None
    ) -> AssistitoQuerySet:
        """People registered by the user's comuni, plus the people of cases the user sees through an ambito's
        ownership or an explicit grant. (A comune's cases always belong to its own people: cartella_open and the
        ownership moves keep that invariant, so only non-comune owners and grants can add people.)

        `matching` (a search) goes inside each branch of the OR rather than outside it: PostgreSQL then reads each
        branch by its own index — the comune's (owner, surname) range, and the granted people found by the InitPlan —
        where `(own OR granted) AND search` made it bitmap-scan the whole comune and filter. (The same search written
        in both branches is factored back out by the planner: the granted branch searches inside its subquery.)"""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        ente_ids = ente_ids_for(user, capability)
        condition = _within(Q(owner_ente_id__in=ente_ids, unito_a__isnull=True), matching)
        granted = _granted_cartella_ids(user, capability)
        other_owners = non_comune_ente_ids_for(user, capability)
        if granted or other_owners:
            extra = (
                Cartella.objects.filter(Q(owner_ente_id__in=other_owners) | Q(pk__in=granted))
                .exclude(assistito__owner_ente_id__in=ente_ids)  # already visible: keep the main query a plain scan
                .order_by()
                .values("assistito_id")
            )
            if matching is not None:  # searched inside the InitPlan: the two branches share no factor
                extra = Assistito.objects.filter(matching, pk__in=extra).order_by().values("pk")
            condition |= Q(IdsOf(F("pk"), extra))
        return self.filter(condition)


def _within(branch: Q, matching: Q | None) -> Q:
    return branch if matching is None else branch & matching


class IdsOf(Lookup):
    """`column IN (subquery)` that stays an index scan inside an OR on PostgreSQL: written `column =
    ANY(ARRAY(subquery))`, the subquery is an InitPlan run once and its array an index condition that joins a
    BitmapOr with the owner index (a plain IN (subquery) inside an OR is a filter: the table is scanned). The people
    seen through grants and ambito ownership thus cost no query of their own. SQLite: a plain IN (subquery)."""

    lookup_name = "ids_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        template = "%s = ANY(ARRAY%s)" if connection.vendor == "postgresql" else "%s IN %s"
        return template % (lhs, rhs), (*lhs_params, *rhs_params)


class Assistito(models.Model):
    """A person taken in charge. Registered by one comune (its owner ente); no cross-comune sharing."""

    owner_ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="assistiti")
    codice_fiscale = models.CharField(max_length=16, blank=True, db_index=True, validators=[validate_codice_fiscale])
    identificativo_temporaneo = models.CharField(
        max_length=20, blank=True, help_text="per chi non ha codice fiscale, da riconciliare"
    )
    cognome = models.CharField(max_length=100)
    nome = models.CharField(max_length=100)
    cognome_ricerca = models.CharField(max_length=100, editable=False, default="")
    nome_ricerca = models.CharField(max_length=100, editable=False, default="")
    codice_fiscale_base = models.CharField(
        max_length=15, editable=False, default="", help_text="il codice fiscale prima dell'omocodia (doppioni)"
    )
    sesso = models.CharField(max_length=1, choices=Sesso.choices)
    data_nascita = models.DateField("data di nascita")
    luogo_nascita = models.CharField(
        "luogo di nascita (codice Belfiore)", max_length=4, help_text="comune italiano o stato estero (Z…)"
    )
    comune_residenza = models.ForeignKey(
        Comune, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="comune di residenza"
    )
    indirizzo_residenza = models.CharField("indirizzo di residenza", max_length=200, blank=True)
    domicilio = models.CharField("domicilio, se diverso", max_length=200, blank=True)
    cittadinanza = models.CharField(
        "cittadinanza (codice ISTAT dello stato)", max_length=3, default="100", help_text="100 = Italia"
    )
    telefono = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    condizione_occupazionale = models.CharField(max_length=20, choices=CondizioneOccupazionale.choices, blank=True)
    disabilita = models.CharField(max_length=10, choices=Disabilita.choices, default=Disabilita.NESSUNA)
    invalidita_percentuale = models.PositiveSmallIntegerField(
        "invalidità civile (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100, message="La percentuale di invalidità va da 0 a 100.")],
    )
    protezione_giuridica = models.CharField(max_length=10, choices=Protezione.choices, default=Protezione.NESSUNA)
    protezione_referente = models.CharField("tutore/curatore/amministratore", max_length=200, blank=True)
    unito_a = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicati_uniti",
        help_text="scheda duplicata unita a questa: resta per lo storico, non compare negli elenchi",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = AssistitoQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "assistiti"
        ordering = ["cognome_ricerca", "nome_ricerca", "id"]
        indexes = [
            models.Index(fields=["owner_ente", "cognome_ricerca", "nome_ricerca", "id"], name="assistito_ente_cognome"),
            models.Index(fields=["owner_ente", "nome_ricerca"], name="assistito_ente_nome"),
            models.Index(fields=["owner_ente", "data_nascita"], name="assistito_ente_nascita"),
            models.Index(fields=["owner_ente", "codice_fiscale_base"], name="assistito_ente_cf_base"),
            models.Index(fields=["owner_ente", "identificativo_temporaneo"], name="assistito_ente_temp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_ente", "codice_fiscale"],
                condition=~Q(codice_fiscale=""),
                name="assistito_cf_unique_per_ente",
            ),
            models.CheckConstraint(
                name="assistito_has_identifier",
                condition=~Q(codice_fiscale="") | ~Q(identificativo_temporaneo=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cognome} {self.nome}"

    def save(self, *args, **kwargs):
        self.fill_search_keys()
        super().save(*args, **kwargs)

    def fill_search_keys(self) -> None:
        """Keep the normalised name keys (and the CF before omocodia) in step with the names (bulk paths call this
        before bulk_create)."""
        self.cognome_ricerca, self.nome_ricerca = search_key(self.cognome), search_key(self.nome)
        self.codice_fiscale_base = codice_fiscale_base(self.codice_fiscale)

    @property
    def identificativo(self) -> str:
        return self.codice_fiscale or f"(temp.) {self.identificativo_temporaneo}"

    def clean(self) -> None:
        validate_birth_date(self.data_nascita, field="data_nascita")


class Cartella(models.Model):
    """The case. Its owner ente (a comune, or the ambito after a transfer) decides who sees it."""

    assistito = models.ForeignKey(Assistito, on_delete=models.PROTECT, related_name="cartelle")
    owner_ente = models.ForeignKey(Ente, on_delete=models.PROTECT, related_name="cartelle")
    numero = models.CharField(max_length=20)
    numerata_da = models.ForeignKey(
        Ente,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="ente che ha assegnato il numero (resta dopo un trasferimento)",
    )
    stato = models.CharField(max_length=20, choices=StatoCartella.choices, default=StatoCartella.ACCESSO)
    area = models.CharField(max_length=30, choices=AreaBisogno.choices, blank=True)
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    aperta_il = models.DateField(default=timezone.localdate)
    chiusa_il = models.DateField(null=True, blank=True)
    riaperta_da = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="riaperture",
        help_text="episodio precedente, chiuso, da cui questo è stato riaperto",
    )
    version = models.PositiveIntegerField(default=1, help_text="controllo delle modifiche concorrenti")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = CartellaQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "cartelle"
        ordering = ["-aperta_il", "-id"]
        indexes = [
            models.Index(fields=["owner_ente", "-aperta_il"]),
            # the worklists filter a comune's cases by phase: their counts and pages read only that phase's rows
            models.Index(fields=["owner_ente", "stato"], name="cartella_ente_stato"),
            # the case lists' order: with the visibility OR (own ente or granted) PostgreSQL walks it and stops at
            # the page, instead of sorting every visible case (docs/benchmarks.md)
            models.Index(fields=["-aperta_il", "-id"], name="cartella_recenti"),
        ]
        constraints = [models.UniqueConstraint(fields=["numerata_da", "numero"], name="cartella_numero_unico")]

    def __str__(self) -> str:
        return f"Cartella {self.numero}"

    def clean(self) -> None:
        validate_period(
            self.aperta_il, self.chiusa_il, end_field="chiusa_il", message="La chiusura non può precedere l'apertura."
        )


class CartellaUserObjectPermission(UserObjectPermissionBase):
    """Explicit grant on one case (named équipe member, external UVM member, break-the-glass), maybe time-limited."""

    content_object = models.ForeignKey(Cartella, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    # the legal basis of the share (cse/core/codelists/privacy.py) and, for a share resting on consent, the consent
    # whose revocation ends it (actions.consensi.consenso_revoke)
    destinatario = models.CharField(max_length=20, choices=TipoDestinatario.choices, blank=True)
    base_giuridica = models.CharField(max_length=30, choices=BaseGiuridica.choices, blank=True)
    consenso = models.ForeignKey(
        "cartella.Consenso", on_delete=models.PROTECT, null=True, blank=True, related_name="condivisioni"
    )
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"])]


class CartellaGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Cartella, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"])]


class AssistitoUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Assistito, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"])]


class AssistitoGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Assistito, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"])]


from .approvazioni_models import *  # noqa: E402,F401,F403 — four-eyes rules and requests
from .consensi import *  # noqa: E402,F401,F403 — informativa and consents
from .doppioni_models import *  # noqa: E402,F401,F403 — possible duplicates and reversible merges
from .erogatore import *  # noqa: E402,F401,F403 — potestà concessoria rules (ente erogatore)
from .fasi import *  # noqa: E402,F401,F403 — phase records, diario, documents (same app)
from .rete import *  # noqa: E402,F401,F403 — ISEE, relations, external contacts
from .scadenze_models import *  # noqa: E402,F401,F403 — deadlines and the daily digest
from .titolarita import *  # noqa: E402,F401,F403 — transfer requests comune ↔ ambito
from .vigilanza_models import *  # noqa: E402,F401,F403 — break-the-glass and alerts
