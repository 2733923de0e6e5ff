"""Citizen pages: booking (office → date and time → topic and reason → name and contacts), receipt (page, PDF,
iCalendar), cancel and move, test login and the personal area. Views parse, call selectors/services, render."""

from __future__ import annotations

from collections import OrderedDict
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from cse.core.exports import csv_response
from cse.core.forms_util import add_service_errors, confirmed
from cse.core.models import Comune
from cse.core.pdf import render_pdf
from cse.core.submission import once_per_submission

from .agenda import Cittadino, Prenotazione, Slot, Sportello
from .auth import citizen_login
from .forms import AccessoProvaForm, DatiPrenotazioneForm
from .glossary import Argomento, StatoPrenotazione
from .ics import booking_ics
from .ratelimit import rate_limited
from .selectors import (
    RicevutaScaduta,
    accessi_ai_miei_dati,
    codice_from_token,
    free_times,
    get_prenotazione_for_citizen,
    remember_in_session,
    residenza_nota,
    sportelli_for_comune,
)
from .services import SlotNonLibero, prenotazione_cancel, prenotazione_confirm, prenotazione_create, prenotazione_move
from .slots import closed_days_cached

TOO_MANY = "Troppi tentativi di prenotazione da questo dispositivo: riprovare tra qualche minuto."


def _cittadino(request) -> Cittadino | None:
    return getattr(request.user, "cittadino", None) if request.user.is_authenticated else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _by_day(slots) -> OrderedDict:
    days: OrderedDict = OrderedDict()
    for slot in slots:
        days.setdefault(timezone.localtime(slot.inizio).date(), []).append(slot)
    return days


def _days(sportello: Sportello, slots) -> dict:
    """The free times by day, and the days the office is closed although its weekly hours say open (with why)."""
    today = timezone.localdate()
    chiusi = closed_days_cached(sportello, today, today + timedelta(days=sportello.orizzonte_giorni))
    return {"giorni": _by_day(slots), "giorni_chiusi": chiusi}


def _prenota_choices(request, cittadino: Cittadino | None) -> dict:
    """The wizard's choices so far, from the GET parameters: comune (the known residence wins), office, topic."""
    known = residenza_nota(cittadino.codice_fiscale) if cittadino else None
    comuni = Comune.objects.filter(ente__sportelli__attivo=True).distinct().order_by("nome")
    comune = known or comuni.filter(pk=_int(request.GET.get("comune"))).first()
    sportelli = sportelli_for_comune(comune)
    sportello = sportelli.filter(pk=_int(request.GET.get("sportello"))).first() if comune else None
    argomento = request.GET.get("argomento") if request.GET.get("argomento") in Argomento.values else ""
    return {
        "cittadino": cittadino,
        "known": known,
        "comuni": comuni,
        "comune": comune,
        "sportelli": sportelli,
        "sportello": sportello,
        "argomento": argomento,
        "servizio": _int(request.GET.get("servizio")),
    }


def _dati_form(request, cittadino: Cittadino | None, argomento: str) -> DatiPrenotazioneForm:
    """Step 3's form, prefilled with the topic chosen and, for a logged-in citizen, their name and e-mail."""
    initial = {"argomento": argomento}
    if cittadino:
        initial.update(nome=cittadino.nome, cognome=cittadino.cognome, email=cittadino.email)
    return DatiPrenotazioneForm(request.POST or None, initial=initial)


def _prenota_submit(request, context: dict, form: DatiPrenotazioneForm, slot_id):
    """Step 3 posted: the receipt, or a page to answer now (429, 409); None shows the form again with its errors."""
    if rate_limited(request):
        context["errore"] = TOO_MANY
        return render(request, "cittadino/prenota.html", context, status=429)
    if not form.is_valid():
        return None
    try:
        prenotazione = prenotazione_create(
            slot_id=slot_id,
            cittadino=context["cittadino"],
            comune_residenza=context["comune"],
            servizio_id=context["servizio"],
            **form.cleaned_data,
        )
    except SlotNonLibero as exc:
        context.update(step=2, **_days(context["sportello"], exc.alternatives), errore=exc.messages[0])
        return render(request, "cittadino/prenota.html", context, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    remember_in_session(request, prenotazione)
    return redirect("cittadino:ricevuta", codice=prenotazione.codice)


@once_per_submission
def prenota(request):
    """The booking wizard; each step's choices travel as GET parameters, the last step posts."""
    cittadino = _cittadino(request)
    context = _prenota_choices(request, cittadino)
    comune, sportello = context["comune"], context["sportello"]
    if comune and _int(request.GET.get("sportello")) and sportello is None:
        messages.error(request, "Lo sportello indicato non è del tuo comune di residenza: scegli tra quelli proposti.")
    if comune is None or sportello is None:
        context["step"] = 1
        return render(request, "cittadino/prenota.html", context)
    slot_id = request.POST.get("slot") or request.GET.get("slot")
    if not slot_id:
        context.update(step=2, **_days(sportello, free_times(sportello)))
        return render(request, "cittadino/prenota.html", context)
    form = _dati_form(request, cittadino, context["argomento"])
    context.update(step=3, form=form, slot_id=slot_id)
    response = _prenota_submit(request, context, form, slot_id) if request.method == "POST" else None
    if response is not None:
        return response
    context["slot"] = Slot.objects.filter(pk=_int(slot_id), sportello=sportello).first()
    return render(request, "cittadino/prenota.html", context, status=400 if form.errors else 200)


def conferma(request, token: str):
    codice = codice_from_token(token, max_age=7 * 24 * 3600)
    if codice is None or not Prenotazione.objects.filter(codice=codice).exists():
        raise Http404("Link non valido")
    try:
        prenotazione = prenotazione_confirm(codice=codice)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return render(request, "cittadino/conferma_fallita.html", status=409)
    remember_in_session(request, prenotazione)
    messages.success(request, "Prenotazione confermata.")
    return redirect("cittadino:ricevuta", codice=prenotazione.codice)


def _receipt_link(view):
    """Booking pages opened from an e-mail link past its time answer 410 with an Italian page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except RicevutaScaduta:
            context = {"giorni": settings.CSE_BOOKING_RECEIPT_DAYS}
            return render(request, "cittadino/ricevuta_scaduta.html", context, status=410)

    return wrapper


@_receipt_link
def ricevuta(request, codice: str):
    prenotazione = get_prenotazione_for_citizen(request, codice)
    return render(request, "cittadino/ricevuta.html", {"p": prenotazione, "cutoff": settings.CSE_BOOKING_CUTOFF_HOURS})


@_receipt_link
def ricevuta_pdf(request, codice: str):
    prenotazione = get_prenotazione_for_citizen(request, codice)
    pdf = render_pdf("cittadino/ricevuta_pdf.html", {"p": prenotazione}, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="prenotazione-{prenotazione.codice}.pdf"'
    return response


@_receipt_link
def ricevuta_ics(request, codice: str):
    prenotazione = get_prenotazione_for_citizen(request, codice)
    response = HttpResponse(booking_ics(prenotazione), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prenotazione-{prenotazione.codice}.ics"'
    return response


@require_POST
@_receipt_link
def annulla(request, codice: str):
    prenotazione = get_prenotazione_for_citizen(request, codice)
    if not confirmed(request):
        messages.error(request, "L'annullamento non è stato confermato: la prenotazione resta valida.")
        return redirect("cittadino:ricevuta", codice=codice)
    try:
        prenotazione_cancel(prenotazione=prenotazione)
        messages.success(request, "Prenotazione annullata: l'orario è di nuovo disponibile per altri.")
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("cittadino:ricevuta", codice=codice)


@_receipt_link
def sposta(request, codice: str):
    prenotazione = get_prenotazione_for_citizen(request, codice)
    errore = ""
    if request.method == "POST":
        if rate_limited(request):
            errore = TOO_MANY
        else:
            try:
                prenotazione_move(prenotazione=prenotazione, slot_id=request.POST.get("slot"))
                messages.success(request, "Appuntamento spostato.")
                return redirect("cittadino:ricevuta", codice=codice)
            except ValidationError as exc:
                errore = exc.messages[0]
    sportello = prenotazione.slot.sportello
    return render(
        request,
        "cittadino/sposta.html",
        {"p": prenotazione, **_days(sportello, free_times(sportello)), "errore": errore},
        status=400 if errore else 200,
    )


def accesso(request):
    mode = settings.CSE_CITIZEN_LOGIN
    if mode == "test":
        return redirect(f"{reverse('cittadino:accesso_prova')}?next={request.GET.get('next', '')}")
    if mode == "oidc":
        return redirect(f"{reverse('cittadino:oidc_start')}?{urlencode({'next': _next(request)})}")
    if mode:
        return redirect(mode)
    return render(request, "cittadino/accesso_non_disponibile.html", status=503)


def accesso_prova(request):
    """Demo only: a clearly labelled test identity provider. Never available in production."""
    if settings.CSE_CITIZEN_LOGIN != "test":
        raise Http404
    form = AccessoProvaForm(request.POST or None)
    if request.method == "POST":
        chosen = Cittadino.objects.filter(pk=_int(request.POST.get("cittadino"))).first()
        if chosen is not None:
            citizen_login(request, codice_fiscale=chosen.codice_fiscale, nome=chosen.nome, cognome=chosen.cognome)
            return redirect(_next(request))
        if form.is_valid():
            try:
                citizen_login(request, **form.cleaned_data)
                return redirect(_next(request))
            except ValidationError as exc:
                add_service_errors(form, exc)
    demo = Cittadino.objects.order_by("cognome")[:10]
    return render(request, "cittadino/accesso_prova.html", {"form": form, "demo": demo, "next": _next(request)})


def _next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or reverse("cittadino:area_personale")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("cittadino:area_personale")


@require_POST
def uscita(request):
    from .oidc import end_session_url

    op_logout = end_session_url(request, request.session.get("oidc_id_token"))
    logout(request)
    return redirect(op_logout or "/")


def area_personale(request):
    cittadino = _cittadino(request)
    if cittadino is None:
        return redirect(f"{reverse('cittadino:accesso')}?next={request.path}")
    prenotazioni = (
        Prenotazione.objects.filter(cittadino=cittadino)
        .select_related("slot__sportello__ente")
        .order_by("-slot__inizio")
    )
    return render(
        request,
        "cittadino/area_personale.html",
        {
            "cittadino": cittadino,
            "prenotazioni": prenotazioni,
            "prestazioni": _prestazioni_ricevute(cittadino),
            "attive": (StatoPrenotazione.IN_ATTESA, StatoPrenotazione.CONFERMATA),
        },
    )


def chi_ha_consultato(request):
    """ "Chi ha consultato i miei dati": accesses to the records with the citizen's codice fiscale, newest first."""
    cittadino = _cittadino(request)
    if cittadino is None:
        return redirect(f"{reverse('cittadino:accesso')}?next={request.path}")
    accessi = Paginator(accessi_ai_miei_dati(cittadino), 50).get_page(request.GET.get("pagina"))
    return render(request, "cittadino/chi_ha_consultato.html", {"cittadino": cittadino, "accessi": accessi})


def chi_ha_consultato_csv(request):
    cittadino = _cittadino(request)
    if cittadino is None:
        return redirect(f"{reverse('cittadino:accesso')}?next={reverse('cittadino:chi_ha_consultato')}")
    response, writer = csv_response("accessi-ai-miei-dati.csv")
    writer.writerow(["data_ora", "operatore", "ente", "azione"])
    for log in accessi_ai_miei_dati(cittadino).iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(log.at).isoformat(timespec="seconds"),
                log.user.get_full_name() or "operatore",
                log.ente.nome if log.ente else "",
                log.get_azione_display(),
            ]
        )
    return response


def _prestazioni_ricevute(cittadino: Cittadino) -> list[dict]:
    """Services the citizen receives, only from enti that chose to show them; fields listed explicitly so that no
    professional's note can ever reach this page."""
    from cse.cartella.fasi import Prestazione

    from .pages.sezione import SezioneEntePage

    enti = list(SezioneEntePage.objects.live().filter(mostra_prestazioni=True).values_list("ente_id", flat=True))
    if not enti:
        return []
    return list(
        Prestazione.objects.filter(
            cartella__assistito__codice_fiscale=cittadino.codice_fiscale,
            cartella__assistito__owner_ente_id__in=enti,
            cartella__owner_ente_id__in=enti,
        )
        .order_by("-data_inizio")
        .values("voce__codice", "voce__denominazione", "data_inizio", "data_fine", "cartella__owner_ente__nome")
    )
