"""The Ufficio di Piano's workspace: transferred cases, transfer requests, UVM sessions and board, services and
waiting lists, piano di zona budgets. Thin views: parse → access helper/selector → service → render.

The case itself is worked with the same case workspace as the comune (cse/cartella/views.py): those views go
through get_cartella_for, which already lets the ambito's operators reach the cases the ambito owns.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.cartella import trasferimento
from cse.cartella.actions.trasferimento import trasferimento_accept, trasferimento_hand_back, trasferimento_reject
from cse.cartella.forms import MotivoForm
from cse.cartella.glossary import StatoCartella, StatoTrasferimento
from cse.cartella.models import Cartella
from cse.cartella.selectors import get_cartella_for
from cse.core.forms_util import add_service_errors, show_refusal
from cse.core.models import AccessLog
from cse.core.paging import paginate
from cse.core.params import int_param_or_default
from cse.core.pdf import render_pdf
from cse.core.permissions import ente_ids_for, has_capability
from cse.core.reauth import has_recent_auth, reauth_redirect
from cse.core.roles import Capability, TipoEnte
from cse.core.submission import once_per_submission

from . import forms, selectors, services
from .glossary import StatoDomanda, StatoSessione
from .realtime import board_context
from .scale import scala as get_scala


def _search(request, choices) -> tuple[str, str]:
    """The search term and the state filter of a list (an unknown state is no filter)."""
    stato = request.GET.get("stato", "")
    return request.GET.get("q", "").strip(), stato if stato in dict(choices) else ""


@login_required
def cartelle_list(request):
    query, stato = _search(request, StatoCartella.choices)
    qs = selectors.cartelle_of_ambito(request.user, query=query, stato=stato)
    context = {"page": paginate(request, qs), "q": query, "stato": stato, "stati": StatoCartella.choices}
    return render(request, "ambito/cartelle_list.html", context)


@login_required
def cartella_detail(request, pk: int):
    """The ambito's panel on a case it owns: transfer, UVM sessions, services; the case work itself is the shared
    case workspace (linked)."""
    cartella = get_cartella_for(request, pk, owner_tipo=TipoEnte.AMBITO)
    richiesta = trasferimento.open_transfer(cartella)
    return render(
        request,
        "ambito/cartella_detail.html",
        {
            "cartella": cartella,
            "richiesta": richiesta,
            "steps": trasferimento.ambito_steps(richiesta, request.user),
            "sessioni": cartella.sessioni_uvm.all(),
            "can_convene": has_capability(request.user, Capability.MANAGE_UVM, cartella.owner_ente_id),
            "assegnazioni": cartella.assegnazioni_servizi.select_related("servizio", "erogatore"),
            "domande": cartella.domande_servizi.filter(stato=StatoDomanda.IN_ATTESA).select_related("servizio"),
        },
    )


# --- Trasferimenti ----------------------------------------------------------------------------------------------------


@login_required
def trasferimenti_list(request):
    """The requests addressed to the user's ambito: pending first, then those in charge, then the concluded."""
    query, stato = _search(request, StatoTrasferimento.choices)
    qs = selectors.richieste_to_ambito(request.user, query=query, stato=stato)
    context = {"page": paginate(request, qs), "q": query, "stato": stato, "stati": StatoTrasferimento.choices}
    return render(request, "ambito/trasferimenti_list.html", context)


@login_required
def trasferimento_detail(request, pk: int):
    """Read a request; the UdP decides (accept / return with reason) or, later, hands the case back."""
    richiesta = selectors.get_richiesta_for(request, pk, finalita="decisione sul trasferimento")
    if request.method == "POST" and not has_recent_auth(request):
        return reauth_redirect(request)
    decision = forms.DecisioneForm(request.POST or None) if richiesta.stato == StatoTrasferimento.RICHIESTO else None
    hand_back = MotivoForm(request.POST or None) if richiesta.stato == StatoTrasferimento.ACCETTATO else None
    if request.method == "POST":
        form = decision or hand_back
        if form is None:
            messages.error(request, "La richiesta è conclusa: non ci sono altri passi.")
            return redirect("ambito:trasferimento", pk=richiesta.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if decision is not None and data["decisione"] == "accetta":
                    trasferimento_accept(richiesta=richiesta, by=request.user, nota=data["motivo"])
                    done = "Trasferimento accettato: la cartella è ora in titolarità dell'ambito."
                elif decision is not None:
                    trasferimento_reject(richiesta=richiesta, by=request.user, motivo=data["motivo"])
                    done = "Richiesta restituita al comune con la motivazione."
                else:
                    trasferimento_hand_back(richiesta=richiesta, by=request.user, motivo=data["motivo"])
                    done = "Titolarità riconsegnata al comune."
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("ambito:trasferimento", pk=richiesta.pk)
    return render(
        request,
        "ambito/trasferimento_detail.html",
        {
            "richiesta": richiesta,
            "decision": decision,
            "hand_back": hand_back,
            "steps": trasferimento.ambito_steps(richiesta, request.user),
        },
    )


# --- UVM --------------------------------------------------------------------------------------------------------------


@login_required
def uvm_list(request):
    """The sessions the user may see: the ambito's, or those where the user is a member with unexpired access."""
    query, stato = _search(request, StatoSessione.choices)
    qs = selectors.sessioni_of(request.user, query=query, stato=stato)
    context = {"page": paginate(request, qs), "q": query, "stato": stato, "stati": StatoSessione.choices}
    return render(request, "ambito/uvm_list.html", context)


def _form_page(request, form, title: str, back: str, note: str = ""):
    """One form of the ambito on its own page; «Annulla» goes back to `back` (a javascript: link would be blocked
    by the Content-Security-Policy)."""
    return render(request, "ambito/form.html", {"form": form, "title": title, "note": note, "back": back})


@login_required
@once_per_submission
def uvm_nuova(request, pk: int):
    cartella = get_cartella_for(
        request, pk, capability=Capability.MANAGE_UVM, owner_tipo=TipoEnte.AMBITO, finalita="convocazione UVM"
    )
    form = forms.ConvocazioneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessione = services.uvm_convene(cartella=cartella, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "UVM convocata.")
            return redirect("ambito:uvm", pk=sessione.pk)
    return _form_page(
        request,
        form,
        f"Convoca la UVM — cartella {cartella.numero}",
        reverse("ambito:cartella_detail", args=[cartella.pk]),
    )


def _board_page(request, sessione, *, membro_form=None, verbale_form=None):
    """The board, with a refused form shown again in place of its blank one (named, so it replaces it)."""
    context = board_context(sessione)
    context.update(
        can_manage=has_capability(request.user, Capability.MANAGE_UVM, sessione.ambito_id),
        membro_form=membro_form or forms.MembroForm(),
        verbale_form=verbale_form
        or forms.VerbaleForm(
            initial={
                "ordine_del_giorno": sessione.ordine_del_giorno,
                "decisioni": sessione.decisioni,
                "version": sessione.version,
            }
        ),
        mio=sessione.membri.filter(user=request.user).first(),
    )
    return render(request, "ambito/uvm_board.html", context)


@login_required
def uvm_board(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="tavolo UVM")
    return _board_page(request, sessione)


def _run(request, sessione, action, success: str):
    try:
        action()
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect("ambito:uvm", pk=sessione.pk)


@login_required
@require_POST
def uvm_membro(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="membri UVM")
    form = forms.MembroForm(request.POST)
    if not form.is_valid():
        return _board_page(request, sessione, membro_form=form)
    data = form.cleaned_data
    return _run(
        request,
        sessione,
        lambda: services.uvm_member_add(
            sessione=sessione,
            by=request.user,
            tipo=data["tipo"],
            nome=data["nome"],
            user=data["utente"],
            qualifica=data["qualifica"],
            accesso_fino_al=data["accesso_fino_al"],
        ),
        "Membro aggiunto.",
    )


@login_required
@require_POST
def uvm_presenza(request, pk: int):
    membro = selectors.get_membro_for(request, pk)
    presente = request.POST.get("presente") == "1"
    return _run(
        request,
        membro.sessione,
        lambda: services.uvm_attendance(membro=membro, presente=presente, by=request.user),
        "Presenza registrata.",
    )


@login_required
@require_POST
def uvm_verbale(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="verbale UVM")
    form = forms.VerbaleForm(request.POST)
    if not form.is_valid():
        return _board_page(request, sessione, verbale_form=form)
    data = form.cleaned_data
    return _run(
        request,
        sessione,
        lambda: services.uvm_update_minutes(
            sessione=sessione,
            by=request.user,
            ordine_del_giorno=data["ordine_del_giorno"],
            decisioni=data["decisioni"],
            version=data["version"],
        ),
        "Verbale aggiornato.",
    )


@login_required
def uvm_scala(request, pk: int, scala: str):
    sessione = selectors.get_sessione_for(request, pk, finalita="valutazione multidimensionale")
    try:
        definizione = get_scala(scala)
    except ValidationError:
        raise Http404("Elemento non trovato") from None
    existing = sessione.valutazioni.filter(scala=scala).first()
    form = forms.scala_form(definizione, request.POST or None, initial=existing.risposte if existing else None)
    if request.method == "POST" and form.is_valid():
        try:
            valutazione = services.uvm_scale_record(
                sessione=sessione, scala=scala, risposte=form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{definizione.nome}: punteggio {valutazione.punteggio}/{definizione.massimo}.")
            return redirect("ambito:uvm", pk=sessione.pk)
    return _form_page(
        request,
        form,
        definizione.nome,
        reverse("ambito:uvm", args=[sessione.pk]),
        note=f"Fonte: {definizione.fonte}. Il punteggio è calcolato.",
    )


@login_required
@once_per_submission
def uvm_progetto(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="progetto personalizzato")
    progetto = getattr(sessione, "progetto", None) if hasattr(sessione, "progetto") else None
    initial = {}
    budget_initial = []
    if progetto:
        initial = {f: getattr(progetto, f) for f in ("obiettivi", "interventi", "referente", "durata_mesi")}
        initial["data_verifica"] = progetto.data_verifica
        budget_initial = list(progetto.budget.values("fonte", "descrizione", "importo"))
    form = forms.ProgettoPersonalizzatoForm(request.POST or None, initial=initial)
    budget = forms.BudgetFormSet(request.POST or None, initial=budget_initial, prefix="budget")
    if request.method == "POST" and form.is_valid() and budget.is_valid():
        lines = [
            (row["fonte"], row["descrizione"] or "voce di budget", row["importo"])
            for row in budget.cleaned_data
            if row and row.get("fonte") and row.get("importo") is not None
        ]
        try:
            services.uvm_progetto_save(sessione=sessione, by=request.user, budget=lines, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Progetto personalizzato salvato.")
            return redirect("ambito:uvm", pk=sessione.pk)
    return render(request, "ambito/progetto_form.html", {"form": form, "budget": budget, "sessione": sessione})


@login_required
@require_POST
def uvm_chiusura(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="chiusura verbale UVM")
    return _run(request, sessione, lambda: services.uvm_close(sessione=sessione, by=request.user), "Verbale chiuso.")


@login_required
def uvm_verbale_pdf(request, pk: int):
    sessione = selectors.get_sessione_for(request, pk, finalita="verbale UVM", azione=AccessLog.Azione.PDF)
    context = board_context(sessione)
    context["progetto"] = getattr(sessione, "progetto", None) if hasattr(sessione, "progetto") else None
    context["cartella"] = sessione.cartella
    pdf = render_pdf("ambito/pdf/verbale_uvm.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="verbale-uvm-{sessione.pk}.pdf"'
    return response


# --- Servizi d'ambito -------------------------------------------------------------------------------------------------


@login_required
def servizi_list(request):
    rows = [
        {"servizio": s, "occupati": s.occupati or 0, "in_attesa": s.in_attesa or 0}
        for s in selectors.servizi_with_counts(request.user)
    ]
    return render(request, "ambito/servizi_list.html", {"rows": rows})


def _ambito_cases(request, servizio):
    return (
        Cartella.objects.visible_to(request.user).filter(owner_ente_id=servizio.ambito_id).select_related("assistito")
    )


@login_required
@once_per_submission
def servizio_detail(request, pk: int):
    servizio = selectors.get_servizio_for(request, pk)
    can_manage = has_capability(request.user, Capability.MANAGE_PIANO, servizio.ambito_id)
    form = forms.DomandaForm(request.POST or None, cartelle=_ambito_cases(request, servizio))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.servizio_waitlist_add(
                servizio=servizio,
                cartella=data["cartella"],
                priorita=data["priorita"],
                motivazione=data["motivazione"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Persona inserita in lista d'attesa.")
            return redirect("ambito:servizio", pk=servizio.pk)
    visible_cases = Cartella.objects.visible_to(request.user).values("pk")
    return render(
        request,
        "ambito/servizio_detail.html",
        {
            "servizio": servizio,
            "form": form,
            "can_manage": can_manage,
            "attesa": servizio.domande.filter(stato="in_attesa", cartella__in=visible_cases).select_related(
                "cartella__assistito"
            ),
            "assegnazioni": servizio.assegnazioni.filter(cartella__in=visible_cases).select_related(
                "cartella__assistito", "erogatore", "intervento"
            ),
            "occupati": servizio.posti_occupati(),
        },
    )


@login_required
@once_per_submission
def domanda_assegna(request, pk: int):
    domanda = selectors.get_domanda_for(request, pk)
    servizio = domanda.servizio
    form = forms.AssegnazioneForm(request.POST or None, erogatori=servizio.erogatori.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.servizio_assign(domanda=domanda, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Persona assegnata al servizio: intervento pianificato e spesa impegnata.")
            return redirect("ambito:servizio", pk=servizio.pk)
    return _form_page(
        request,
        form,
        f"Assegna un posto: {servizio} — {domanda.cartella.assistito}",
        reverse("ambito:servizio", args=[servizio.pk]),
    )


# --- Piano di zona: budget --------------------------------------------------------------------------------------------


def _chart(rows: list[dict]) -> dict:
    """Geometry of a horizontal stacked bar per line (liquidated, committed not yet paid, residual), in SVG units."""
    width = 600
    top = max((r["programmato"] for r in rows), default=0) or 1
    bars = []
    for i, r in enumerate(rows):
        scale = width / float(top)
        liq = float(r["liquidato"]) * scale
        imp = max(float(r["impegnato"]) * scale - liq, 0)
        res = max(float(r["residuo"]) * scale, 0)
        geometry = {"liq": liq, "imp": imp, "imp_x": liq, "res": res, "res_x": liq + imp}
        # plain dot-decimal strings: SVG must not get the Italian "12,5" of localised number rendering
        bars.append({"y": 10 + i * 34, "row": r, **{k: f"{v:.1f}" for k, v in geometry.items()}})
    return {"bars": bars, "height": 20 + 34 * len(rows), "width": width}


@login_required
def budget_dashboard(request):
    anno = int_param_or_default(request.GET.get("anno"), default=None, low=1900, high=2100)
    rows = selectors.budget_rows(request.user, anno)
    ambiti = sorted(ente_ids_for(request.user, Capability.MANAGE_PIANO))
    form = forms.LineaBudgetForm(request.POST or None, initial={"anno": timezone.localdate().year})
    if request.method == "POST":
        if not ambiti:
            raise Http404("Elemento non trovato")
        if form.is_valid():
            from cse.core.models import Ente

            try:
                services.budget_line_create(ambito=Ente.objects.get(pk=ambiti[0]), by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Linea di budget aggiunta.")
                return redirect("ambito:budget")
    totals = {k: sum((r[k] for r in rows), start=0) for k in ("programmato", "impegnato", "liquidato", "residuo")}
    import_form = forms.ImportPdzForm(initial={"anno": timezone.localdate().year}, prefix="pdz") if ambiti else None
    return render(
        request,
        "ambito/budget.html",
        {
            "rows": rows,
            "chart": _chart(rows),
            "totals": totals,
            "form": form if ambiti else None,
            "import_form": import_form,
        },
    )


@login_required
def budget_bandi(request):
    """The Ufficio di Piano finances the ambito's bandi from its piano di zona lines; each bando shows its committed,
    liquidated and residual amounts. Refused over the line's residual, with the residual in the message."""
    if not ente_ids_for(request.user, Capability.MANAGE_PIANO):
        raise Http404("Elemento non trovato")
    return _budget_bandi(request)


@once_per_submission
def _budget_bandi(request):
    form = forms.BandoFinanziatoForm(
        request.POST or None,
        bandi=selectors.bandi_da_finanziare(request.user).filter(finanziamento_pdz__isnull=True),
        linee=selectors.linee_of(request.user).filter(
            ambito_id__in=ente_ids_for(request.user, Capability.MANAGE_PIANO)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bando_budget_link(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Bando collegato alla linea: il suo stanziamento è impegnato.")
            return redirect("ambito:budget_bandi")
    context = {"rows": selectors.bandi_finanziati_rows(request.user), "form": form}
    return render(request, "ambito/budget_bandi.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def budget_import(request):
    """The Ufficio di Piano imports the piano di zona from the Osservatorio; when it is down, lines are typed."""
    from cse.core.external import InteropError
    from cse.core.models import Ente

    from .services import import_piano_di_zona

    ambiti = sorted(ente_ids_for(request.user, Capability.MANAGE_PIANO))
    if not ambiti:
        raise Http404("Elemento non trovato")
    form = forms.ImportPdzForm(request.POST, prefix="pdz")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ambito:budget")
    anno = form.cleaned_data["anno"]
    try:
        esito = import_piano_di_zona(Ente.objects.get(pk=ambiti[0]), anno, request.user)
    except InteropError as exc:
        messages.error(
            request,
            f"Piano di zona {anno} non importato. {exc.message} Le linee di budget si possono aggiungere a mano "
            "con il modulo qui sotto.",
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            f"Piano di zona {anno} importato dall'Osservatorio: {esito['create']} linee create, "
            f"{esito['aggiornate']} aggiornate, {esito['invariate']} invariate.",
        )
    return redirect(f"{reverse('ambito:budget')}?anno={anno}")
