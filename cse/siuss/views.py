"""Operator pages of the SIUSS transmission: per-ente dashboard with CSV, corrections, SIUSS data of a prestazione."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cse.cartella.actions.fasi import ente_erogatore_change
from cse.cartella.erogatore import allowed_enti_erogatori
from cse.cartella.fasi import Prestazione
from cse.cartella.selectors import get_cartella_for, get_child_for
from cse.core.exports import csv_response
from cse.core.forms_util import add_service_errors
from cse.core.models import Ente
from cse.core.paging import paginate
from cse.core.reauth import require_recent_auth
from cse.core.roles import Capability

from . import services
from .forms import DatiSiussForm, SinaForm, SinbaForm
from .glossary import StatoFlusso
from .models import DatiSiuss, Flusso
from .selectors import get_ente_for_transmission, transmission_counts, transmission_rows


@login_required
def dashboard(request, pk: int):
    ente = get_ente_for_transmission(request.user, pk)
    stato = request.GET.get("stato", "")
    stato = stato if stato in StatoFlusso.values else ""
    query = request.GET.get("q", "").strip()
    page = paginate(request, transmission_rows(ente, stato=stato, query=query))
    context = {"ente": ente, "counts": transmission_counts(ente), "page": page, "stato": stato, "q": query}
    return render(request, "siuss/dashboard.html", {**context, "stati": StatoFlusso.choices})


@login_required
@require_recent_auth
def dashboard_csv(request, pk: int):
    ente = get_ente_for_transmission(request.user, pk)
    response, writer = csv_response(f"trasmissioni-siuss-{ente.codice}.csv")
    writer.writerow(
        [
            "id_flusso",
            "tipo",
            "operazione",
            "cartella",
            "codice_prestazione",
            "periodo",
            "stato",
            "codice_esito",
            "descrizione_esito",
            "id_acquisizione_siuss",
            "creato_il",
        ]
    )
    rows = transmission_rows(ente, stato=request.GET.get("stato", ""), query=request.GET.get("q", ""))
    for f in rows.iterator(chunk_size=2000):
        writer.writerow(
            [
                f.id_flusso,
                f.tipo,
                f.tipo_operazione,
                f.cartella.numero,
                f.prestazione.voce.codice,
                f.periodo,
                f.get_stato_display(),
                f.codice_esito,
                f.descrizione_esito,
                f.id_acquisizione_siuss,
                f"{f.creato_il:%Y-%m-%d %H:%M}",
            ]
        )
    return response


@login_required
@require_POST
def flusso_correct(request, pk: int):
    ente = get_ente_for_transmission(request.user, pk)
    try:
        flusso = Flusso.objects.get(ente=ente, pk=int(request.POST.get("flusso", "0")))
    except (Flusso.DoesNotExist, ValueError):
        raise Http404("Flusso non trovato") from None
    try:
        created = services.flusso_correct(flusso=flusso, reason=request.POST.get("motivo", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        names = ", ".join(f.id_flusso for f in created) or "nessuno: la prestazione ha ancora dati da completare"
        messages.success(request, f"Correzione avviata. Nuovi flussi: {names}.")
    return redirect("siuss:dashboard", pk=ente.pk)


@login_required
def dati_prestazione(request, pk: int):
    p = get_child_for(request, Prestazione, pk, capability=Capability.MANAGE_CARTELLE, finalita="dati SIUSS")
    enti = Ente.objects.filter(pk__in=[e.pk for e in allowed_enti_erogatori(p.cartella)])
    instance = DatiSiuss.objects.filter(prestazione=p).first()
    form = DatiSiussForm(
        request.POST or None, instance=instance, enti=enti, initial={"ente_erogatore": p.ente_erogatore}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in DatiSiussForm.Meta.fields}
        try:
            new_ente = form.cleaned_data["ente_erogatore"]
            if new_ente != p.ente_erogatore:
                ente_erogatore_change(
                    record=p, ente=new_ente, reason=form.cleaned_data["motivo_erogatore"], by=request.user
                )
            services.dati_siuss_save(prestazione=p, data=data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Dati SIUSS salvati: la prossima verifica dirà se la prestazione è pronta.")
            return redirect("locale:cartella_detail", pk=p.cartella_id)
    return render(request, "siuss/dati_prestazione.html", {"prestazione": p, "form": form})


def _scheda(request, pk: int, form_class, attr: str, title: str):
    cartella = get_cartella_for(request, pk, write=True, finalita=title)
    instance = getattr(cartella, attr, None) if hasattr(cartella, attr) else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.cartella_scheda_save(cartella=cartella, form=form, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{title} salvata.")
            return redirect("locale:cartella_detail", pk=cartella.pk)
    return render(request, "siuss/scheda.html", {"cartella": cartella, "form": form, "title": title})


@login_required
def scheda_sinba(request, pk: int):
    return _scheda(request, pk, SinbaForm, "scheda_sinba", "Scheda SINBA")


@login_required
def valutazione_sina(request, pk: int):
    return _scheda(request, pk, SinaForm, "valutazione_sina", "Valutazione SINA")
