"""The WaaS-SIUSS e-service of each ente erogatore, exactly as api-comuni.yaml v2.0.1 (copied in specs/):
GET /flussi, POST /esiti, GET /status; errors as application/problem+json; rate-limit headers on every answer.

Mounted at /siuss/waas/<ente code>/ (the ente's own server URL on PDND). INPS is the only consumer: every call but
/status needs a single-use PDND voucher bound to this ente's audience and purpose (voucher.py). Every refusal is
the same 401 (_refusal), so the API never tells which check failed nor which enti exist. The statuses answered
beyond those the YAML lists on /flussi (401, 429) are explained in docs/interop/README.md."""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import time

from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from cse.core.jsonbody import parse_json_body
from cse.core.validators_dates import is_calendar_date

from .glossary import CodiceEsito
from .models import EserviceWaas
from .services import esiti_record, flussi_since
from .voucher import VoucherError, verify_voucher

MAX_SINCE = 2**63 - 1  # format int64 binds before the YAML's maximum (1e20)
RFC3339 = re.compile(
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"  # date
    r"[Tt ]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?"  # time (leap second allowed)
    r"([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$"  # offset
)
WINDOW_SECONDS = 60
logger = logging.getLogger("cse.siuss.waas")


def problem(status: int, title: str, detail: str = "", headers: dict | None = None) -> HttpResponse:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail[:4096]
    response = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def _eservice(codice: str) -> EserviceWaas | None:
    return (
        EserviceWaas.objects.select_related("ente")
        .only("codice_siuss", "audience", "purpose_ids", "rate_limit_per_minute", "ente__nome")
        .filter(ente__codice=codice, attivo=True)
        .first()
    )


def _refusal() -> HttpResponse:
    """The one answer to every refused call: no voucher, a bad signature, an expired or replayed voucher, a voucher
    for another ente, an unknown ente. Same status, body and headers, so the API tells nobody which check failed
    nor which enti exist; the reason goes to the log only."""
    return problem(
        401,
        "Non autorizzato",
        "Voucher PDND assente o non valido per questo e-service.",
        {"WWW-Authenticate": 'Bearer realm="waas-siuss"'},
    )


def _authenticate(request, codice: str) -> tuple[EserviceWaas | None, HttpResponse | None]:
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.startswith("Bearer ") else ""
    if not token:
        logger.info("WaaS %r: voucher assente", codice[:16])
        return None, _refusal()
    eservice = _eservice(codice)
    if eservice is None:
        logger.warning("WaaS %r: e-service inesistente o non attivo", codice[:16])
        return None, _refusal()
    try:
        verify_voucher(token, audience=eservice.audience, purpose_ids=list(eservice.purpose_ids))
    except VoucherError as exc:
        logger.warning("WaaS %r: voucher rifiutato (%s)", codice[:16], exc)
        return None, _refusal()
    return eservice, None


def _rate_limit(eservice: EserviceWaas) -> tuple[dict, bool]:
    """Fixed one-minute window per e-service in the shared cache (Redis in production): headers + over-limit flag."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"siuss:rl:{eservice.pk}:{window}"
    try:  # one round trip once the window's counter exists
        used = cache.incr(key)
    except ValueError:  # first call of the window (or evicted): create it, atomically
        used = 1 if cache.add(key, 1, WINDOW_SECONDS + 5) else cache.incr(key)
    limit = eservice.rate_limit_per_minute
    reset = int((window + 1) * WINDOW_SECONDS - now) + 1
    headers = {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(max(limit - used, 0)),
        "X-RateLimit-Reset": str(min(reset, WINDOW_SECONDS)),
    }
    return headers, used > limit


def _guarded(request, codice: str):
    eservice, refusal = _authenticate(request, codice)
    if refusal is not None:
        return None, refusal, {}
    headers, over = _rate_limit(eservice)
    if over:
        return (
            None,
            problem(
                429,
                "Troppe richieste",
                "Soglia di carico superata.",
                {**headers, "Retry-After": headers["X-RateLimit-Reset"]},
            ),
            headers,
        )
    return eservice, None, headers


def _with(response: HttpResponse, headers: dict) -> HttpResponse:
    for key, value in headers.items():
        response[key] = value
    return response


def _problem_on_error(view):
    """api-comuni.yaml lists a problem+json 500 ('500' on /flussi, default elsewhere): an unexpected error is
    logged with its traceback and answered that way, never with Django's HTML error page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Exception:
            logger.exception("WaaS: errore inatteso su %s", request.path)
            return problem(500, "Errore interno", "Errore inatteso del servizio: riprovare più tardi.")

    return wrapper


def _int_param(value: str | None, *, name: str, default: int | None, low: int, high: int) -> int:
    if value is None:  # absent; present but empty ("limit=") is not an integer: refused below
        if default is None:
            raise ValueError(f"Il parametro '{name}' è obbligatorio.")
        return default
    if not value.isdigit():
        raise ValueError(f"Il parametro '{name}' deve essere un intero non negativo.")
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"Il parametro '{name}' deve essere compreso tra {low} e {high}.")
    return number


def _iso_ms(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


@csrf_exempt
@require_http_methods(["GET"])
@_problem_on_error
def flussi(request, codice: str):
    eservice, refusal, headers = _guarded(request, codice)
    if refusal is not None:
        return refusal
    unknown = sorted(set(request.GET) - {"since", "limit"})
    repeated = [name for name in ("since", "limit") if len(request.GET.getlist(name)) > 1]
    if unknown or repeated:
        detail = f"Parametri non previsti: {', '.join(unknown)}." if unknown else "Parametro ripetuto."
        return _with(problem(400, "Richiesta non valida", detail), headers)
    try:
        since = _int_param(request.GET.get("since"), name="since", default=None, low=0, high=MAX_SINCE)
        limit = _int_param(request.GET.get("limit"), name="limit", default=10, low=0, high=100)
    except ValueError as exc:
        return _with(problem(400, "Richiesta non valida", str(exc)), headers)
    ente = eservice.ente
    return _with(_elenco_flussi(eservice, flussi_since(ente=ente, since=since, limit=limit)), headers)


def _elenco_flussi(eservice: EserviceWaas, rows: list[tuple[str, str, int, bytes]]) -> HttpResponse:
    """The JSON of GET /flussi, written piece by piece: the ente's fields are encoded once per call and the base64
    of each flow (plain ASCII, nothing to escape) is joined as it is, not scanned again by the JSON encoder."""
    ente = json.dumps(eservice.codice_siuss), json.dumps(eservice.ente.nome[:256])
    head = '{"codice_ente": %s, "denominazione_ente": %s, ' % ente  # noqa: UP031 - a template, not a message
    entries = [
        f'{head}"id_flusso": {json.dumps(id_flusso)}, "tipo": {json.dumps(tipo)}, "ts_flusso": "{_iso_ms(ms)}", '
        f'"flusso": "{base64.b64encode(xml).decode("ascii")}"}}'
        for id_flusso, tipo, ms, xml in rows
    ]
    body = '{"elenco_flussi": [' + ", ".join(entries) + "]}"
    return HttpResponse(body.encode("ascii"), content_type="application/json")


def _without_nul(value):
    """PostgreSQL text and jsonb cannot hold U+0000: keep what INPS sent, with NUL shown as U+FFFD."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value


def _parse_esiti(body: bytes) -> list[dict]:
    data = parse_json_body(body)  # JsonBodyError is a ValueError: too large, too deep or not JSON → 400
    if not isinstance(data, dict) or set(data) - {"elenco_esiti"}:
        raise ValueError("Atteso un oggetto con il solo campo 'elenco_esiti'.")
    esiti = _without_nul(data.get("elenco_esiti", []))
    if not isinstance(esiti, list) or len(esiti) > 100:
        raise ValueError("'elenco_esiti' deve essere un elenco di al massimo 100 esiti.")
    for i, esito in enumerate(esiti):
        _check_esito(i, esito)
    return esiti


def _check_esito(i: int, esito) -> None:
    """One esito of the list; ValueError (→ 400) naming the first field that breaks the YAML."""
    if not isinstance(esito, dict):
        raise ValueError(f"Esito {i}: atteso un oggetto.")
    for name in ("id_flusso", "tipo", "ts_flusso", "ts_acquisizione", "codice_esito"):
        if not isinstance(esito.get(name), str):
            raise ValueError(f"Esito {i}: il campo '{name}' è obbligatorio (stringa).")
    for name in ("ts_flusso", "ts_acquisizione"):
        if not (RFC3339.match(esito[name]) and is_calendar_date(esito[name])):
            raise ValueError(f"Esito {i}: '{name}' non è una data-ora RFC 3339.")
    if esito["codice_esito"] not in CodiceEsito.values:
        raise ValueError(f"Esito {i}: codice_esito non ammesso.")
    for name in ("descrizione_esito", "id_acquisizione_siuss"):
        if name in esito and not isinstance(esito[name], str):
            raise ValueError(f"Esito {i}: il campo '{name}' deve essere una stringa.")


@csrf_exempt
@require_http_methods(["POST"])
@_problem_on_error
def esiti(request, codice: str):
    eservice, refusal, headers = _guarded(request, codice)
    if refusal is not None:
        return refusal
    try:
        parsed = _parse_esiti(request.body)
    except ValueError as exc:
        return _with(problem(400, "Richiesta non valida", str(exc)), headers)
    esiti_record(ente=eservice.ente, esiti=parsed)
    return _with(HttpResponse(status=204), headers)


@csrf_exempt
@require_http_methods(["GET"])
def status(request, codice: str):
    """Health check (public in the YAML: no security on /status). Same answer whatever the code."""
    return problem(200, "OK", "Il servizio funziona correttamente.")
