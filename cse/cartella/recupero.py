""" "Once only" for the operator: ask ANPR and INPS about a codice fiscale, propose what to take, and record where
each accepted fact came from and when. Any external failure becomes a message; the form keeps what was typed.

The registry, INPS, the regional systems and the provenance table are reached through cse.cartella.ports."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import asdict, dataclass, field
from datetime import date

from codicefiscale import codicefiscale
from django.conf import settings
from django.core import signing
from django.utils import timezone

from cse.cartella import ports
from cse.core.codelists.isee import TipoIsee
from cse.core.external import CallContext, InteropError, NotFound
from cse.core.models import Comune

SALT = "interop.proposta"
MAX_AGE = 3600
# Facts of the person ANPR can certify, as named in the person forms.
CAMPI_ANPR = {
    "cognome": "Cognome",
    "nome": "Nome",
    "sesso": "Sesso",
    "data_nascita": "Data di nascita",
    "luogo_nascita": "Luogo di nascita (codice catastale)",
    "comune_residenza": "Comune di residenza (codice ISTAT)",
    "indirizzo_residenza": "Indirizzo di residenza",
}


@dataclass
class Proposta:
    codice_fiscale: str
    consultata_il: str
    anpr: dict[str, str] = field(default_factory=dict)
    famiglia: list[dict] = field(default_factory=list)
    isee: list[dict] = field(default_factory=list)
    avvisi: list[str] = field(default_factory=list)
    errori: list[str] = field(default_factory=list)

    def sign(self) -> str:
        return signing.dumps(asdict(self), salt=SALT, compress=True)

    @classmethod
    def load(cls, token: str) -> Proposta | None:
        """None when the token is missing, tampered with or older than an hour (then nothing is taken from it)."""
        try:
            return cls(**signing.loads(token, salt=SALT, max_age=MAX_AGE))
        except (signing.BadSignature, TypeError):
            return None

    def differenze(self, typed: dict) -> list[dict]:
        """Fields where what the operator typed (or the cartella holds) differs from ANPR."""
        rows = []
        for campo, valore in self.anpr.items():
            attuale = str(typed.get(campo) or "").strip()
            if attuale and attuale.casefold() != valore.casefold():
                rows.append({"campo": campo, "label": CAMPI_ANPR[campo], "attuale": attuale, "anpr": valore})
        return rows


def _ctx(user, ente, motivo: str, assistito_id: int | None = None) -> CallContext:
    return CallContext(operatore=user, ente=ente, assistito_id=assistito_id, motivo=motivo, luogo=ente.nome)


def _isee_types(nascita: date | None) -> list[str]:
    types = [TipoIsee.ORDINARIO, TipoIsee.SOCIOSANITARIO, TipoIsee.RESIDENZIALE]
    if nascita and (timezone.localdate() - nascita).days < 18 * 365.25:
        types.insert(1, TipoIsee.MINORENNE)
    return types


def _add_anpr(proposta: Proposta, ctx: CallContext) -> date | None:
    """Identity and household from the registry into the proposal; the birth date (for the ISEE types) or None."""
    try:
        scheda = ports.anagrafe().consulta(proposta.codice_fiscale, ctx)
    except NotFound as exc:
        proposta.avvisi.append(exc.message)
        return None
    except InteropError as exc:
        proposta.errori.append(exc.message)
        return None
    luogo = Comune.objects.filter(codice_istat=scheda.luogo_nascita_istat).values_list("codice_catastale", flat=True)
    anpr = {
        "cognome": scheda.cognome,
        "nome": scheda.nome,
        "sesso": scheda.sesso,
        "data_nascita": scheda.data_nascita.isoformat(),
        "luogo_nascita": luogo.first() or "",
        "comune_residenza": scheda.comune_residenza_istat,
        "indirizzo_residenza": scheda.indirizzo_residenza,
    }
    proposta.anpr = {k: v for k, v in anpr.items() if v}
    proposta.famiglia = [
        {
            "nominativo": f"{m.cognome} {m.nome}",
            "codice_fiscale": m.codice_fiscale,
            "data_nascita": m.data_nascita.isoformat() if m.data_nascita else "",
            "legame": m.legame,
            "tipo": m.tipo_relazione,
        }
        for m in scheda.famiglia
    ]
    return scheda.data_nascita


def _add_isee(proposta: Proposta, ctx: CallContext, nascita: date | None) -> None:
    """The ISEE attestations in force, type by type; the first failure other than "not found" stops the round."""
    banca_dati = ports.banca_dati_isee()
    for tipo in _isee_types(nascita):
        try:
            att = banca_dati.consulta(proposta.codice_fiscale, tipo, ctx)
        except NotFound:
            continue
        except InteropError as exc:
            proposta.errori.append(exc.message)
            break
        proposta.isee.append(
            {
                "tipo": str(att.tipo),
                "tipo_label": TipoIsee(att.tipo).label,
                "valore": str(att.valore),
                "fascia": att.fascia,
                "protocollo_dsu": att.protocollo_dsu,
                "data_presentazione": att.data_presentazione.isoformat(),
                "valida_dal": att.data_presentazione.isoformat(),
                "valida_al": att.valida_al.isoformat(),
            }
        )


def proposta_from_sources(*, codice_fiscale: str, user, ente, motivo: str, assistito_id: int | None = None) -> Proposta:
    """ANPR (C030 → C015, C020, C021) then the INPS ISEE indicators; each failure is a message, never an exception."""
    cf = "".join(codice_fiscale.split()).upper()
    proposta = Proposta(codice_fiscale=cf, consultata_il=timezone.now().isoformat())
    if not cf or not codicefiscale.is_valid(cf):
        proposta.errori.append("Indicare un codice fiscale valido per consultare ANPR e INPS.")
        return proposta
    ctx = _ctx(user, ente, motivo, assistito_id)
    nascita = _add_anpr(proposta, ctx)
    _add_isee(proposta, ctx, nascita)
    return proposta


def impronta(campo: str, valore) -> str:
    """Keyed digest of a value: tells later whether the stored value is still the one taken (no copy kept)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{campo}:{valore}".encode(), hashlib.sha256).hexdigest()


def valore_corrente(assistito, campo: str) -> str:
    if campo == "comune_residenza":
        return assistito.comune_residenza.codice_istat if assistito.comune_residenza_id else ""
    value = getattr(assistito, campo)
    return value.isoformat() if isinstance(value, date) else str(value or "")


def provenienze_correnti(assistito) -> dict[str, dict]:
    """For the person page: the latest source of each identity field, and whether the value changed since."""
    result = {}
    for p in assistito.provenienze.filter(campo__in=list(CAMPI_ANPR)).order_by("campo", "-acquisito_il", "-id"):
        if p.campo in result:
            continue
        result[p.campo] = {
            "label": CAMPI_ANPR[p.campo],
            "fonte": p.get_fonte_display(),
            "data": p.acquisito_il,
            "modificato": p.impronta != impronta(p.campo, valore_corrente(assistito, p.campo)),
        }
    return result


# --- Regional systems about one person: Edotto, Ministero del Lavoro; open calls of Puglia Sociale -------------------


def consulta_sistemi_regionali(*, assistito, user, ente) -> dict:
    """Ask Edotto (protected hospital discharges) and the Ministero del Lavoro (employment status) about a person,
    and Puglia Sociale for the open regional calls. Nothing is stored: the operator reads and decides; each failure
    is a message (the operator continues by hand)."""
    regionali = ports.sistemi_regionali()
    ctx = _ctx(user, ente, f"assistito {assistito.pk}", assistito_id=assistito.pk)
    result = {"dimissioni": None, "lavoro": None, "avvisi": None, "messaggi": {}}
    cf = assistito.codice_fiscale
    calls = {"avvisi": lambda: regionali.avvisi_aperti(ctx)}
    if cf:
        calls["dimissioni"] = lambda: regionali.dimissioni_protette(cf, ctx)
        calls["lavoro"] = lambda: regionali.stato_occupazionale(cf, ctx)
    else:
        result["messaggi"]["dimissioni"] = result["messaggi"]["lavoro"] = (
            "Senza codice fiscale Edotto e il Ministero del Lavoro non si possono consultare."
        )
    for key, fn in calls.items():
        try:
            result[key] = fn()
        except NotFound:
            result["messaggi"][key] = "Nessun dato trovato."
        except InteropError as exc:
            result["messaggi"][key] = exc.message
    return result
