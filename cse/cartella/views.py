"""The case workspace: phases, workflow, diario, documents, PDFs. Thin views: access helper → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cse.core.audit import form_finalita
from cse.core.forms_util import add_service_errors, confirmed, show_refusal
from cse.core.models import AccessLog
from cse.core.paging import paginate, paginate_together
from cse.core.pdf import render_pdf
from cse.core.permissions import ente_ids_for, operators_with
from cse.core.reauth import require_recent_auth
from cse.core.roles import Capability
from cse.core.submission import once_per_submission
from cse.core.uploads import attachment_response

from . import forms, records, scadenze
from .actions import cartella as case_actions
from .actions import diario as diario_actions
from .actions import fasi as fasi_actions
from .actions.approvazioni import transizione_o_richiesta, trasferimento_o_richiesta
from .approvazioni import pending_on_case
from .consensi import condivisioni_attive
from .fasi import Prestazione, VoceDiario
from .forms import MotivoForm
from .glossary import StatoCartella, TipoVoceDiario
from .selectors import (
    CAN_MANAGE,
    CAN_WRITE_ACCESS,
    DOCUMENTI_FINALITA,
    capabilities_on,
    ensure_capability,
    get_cartella_for,
    get_child_for,
    get_documento_for,
    get_voce_diario_for,
    transmission_worklist,
    worklists,
)
from .workflow import TRANSITIONS, refusal, transitions_from

PHASES = {
    # record name → (form, capability needed, page title)
    "scheda_accesso": (forms.SchedaAccessoForm, CAN_WRITE_ACCESS, "Accesso e orientamento"),
    "valutazione": (forms.ValutazioneForm, CAN_MANAGE, "Valutazione del bisogno"),
    "progetto": (forms.ProgettoForm, CAN_MANAGE, "Progetto individuale"),
    "chiusura": (forms.ChiusuraForm, CAN_WRITE_ACCESS, "Valutazione finale e chiusura"),
}


def _record_or_none(cartella, name):
    try:
        return getattr(cartella, name)
    except ObjectDoesNotExist:
        return None


def _is_professional(user, cartella) -> bool:
    return cartella.owner_ente_id in ente_ids_for(user, Capability.MANAGE_CARTELLE)


@login_required
def cartella_detail(request, pk: int):
    cartella = get_cartella_for(request, pk)
    transitions = transitions_from(cartella.stato)
    may = capabilities_on(
        request.user,
        cartella,
        [CAN_MANAGE, CAN_WRITE_ACCESS, Capability.TRANSFER_CARTELLE, *(t.capability for t in transitions)],
    )
    steps = [
        {"transition": t, "missing": refusal(cartella, t.target), "allowed": may[t.capability]} for t in transitions
    ]
    diario = (
        VoceDiario.objects.filter(cartella=cartella)
        .readable_by(
            request.user,
            professional=_is_professional(request.user, cartella),
            protette=records.may_see_protected(request.user, cartella),
        )
        .select_related("autore")[:10]
    )
    return render(
        request,
        "cartella/cartella_detail.html",
        {
            "cartella": cartella,
            "tier": "locale",
            "steps": steps,
            "diario": diario,
            "scheda": _record_or_none(cartella, "scheda_accesso"),
            "valutazione": _record_or_none(cartella, "valutazione"),
            "progetto": _record_or_none(cartella, "progetto"),
            "chiusura": _record_or_none(cartella, "chiusura"),
            "interventi": cartella.interventi_pianificati.select_related("voce"),
            "prestazioni": cartella.prestazioni.select_related("voce"),
            "documenti": cartella.documenti.all(),
            "riaperture": cartella.riaperture.all(),
            "trasferimenti": cartella.trasferimenti.select_related("ambito")[:3],
            "condivisioni": condivisioni_attive(cartella) if may[CAN_MANAGE] else [],
            "in_attesa": pending_on_case(cartella),
            "scadenze": scadenze.of_case(cartella),
            "oggi": timezone.localdate(),
            "may": {
                "manage": may[CAN_MANAGE],
                "write_access": may[CAN_WRITE_ACCESS],
                "transfer": may[Capability.TRANSFER_CARTELLE],
            },
            "read_only": not any(may.values()),
        },
    )


def _form_page(request, cartella, form, action, *, success: str, title: str):
    """The one shape of every form page of a case: valid input → service → message and back to the case;
    a service refusal lands on the form as Italian errors, nothing saved."""
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            action(data, form.cleaned_data.get("version"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("locale:cartella_detail", pk=cartella.pk)
    return render(request, "cartella/phase_form.html", {"cartella": cartella, "form": form, "title": title})


@login_required
def phase_edit(request, pk: int, record: str):
    if record not in PHASES:
        raise Http404
    form_class, capability, title = PHASES[record]
    cartella = get_cartella_for(request, pk, capability=capability, finalita=form_finalita(request, title))
    instance = _record_or_none(cartella, record) or form_class._meta.model(cartella=cartella)
    form = form_class(request.POST or None, instance=instance, version=cartella.version)
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: fasi_actions.phase_record_save(
            cartella=cartella, record=record, data=data, by=request.user, version=version
        ),
        success=f"{title}: dati salvati.",
        title=title,
    )


CLOSE_UNCONFIRMED = "La chiusura non è stata confermata: la cartella resta aperta."


@login_required
@require_POST
def transition(request, pk: int):
    cartella = get_cartella_for(request, pk, capability=CAN_WRITE_ACCESS, finalita="cambio di fase")
    target = request.POST.get("target", "")
    step = TRANSITIONS.get((cartella.stato, target))
    ensure_capability(request.user, cartella, step.capability if step else CAN_MANAGE)
    version = request.POST.get("version", "")
    if target == StatoCartella.CHIUSA and not confirmed(request):
        messages.error(request, CLOSE_UNCONFIRMED)  # closing is final: the page asks first (cartella_detail.html)
        return redirect("locale:cartella_detail", pk=cartella.pk)
    try:
        esito = transizione_o_richiesta(
            cartella=cartella, target=target, by=request.user, version=int(version) if version.isdigit() else None
        )
    except ValidationError as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _transition_done(esito, target))
    return redirect("locale:cartella_detail", pk=cartella.pk)


def _transition_done(esito, target: str) -> str:
    if esito.in_attesa:
        return f"{WAITING} ({esito.richiesta.get_ruolo_approvatore_display()})."
    if target == StatoCartella.CHIUSA:
        return "La cartella è chiusa."
    return f"La cartella è ora nella fase «{StatoCartella(target).label}»."


WAITING = "Richiesta inviata: il passo avrà effetto quando lo approva il ruolo indicato dall'ente"


@login_required
def case_manager(request, pk: int):
    """The case manager is one of the owner ente's professionals (manage_cartelle)."""
    cartella = get_cartella_for(request, pk, capability=CAN_MANAGE, finalita="assegnazione case manager")
    candidates = operators_with(cartella.owner_ente, Capability.MANAGE_CARTELLE)
    form = forms.CaseManagerForm(
        request.POST or None,
        candidates=candidates,
        version=cartella.version,
        initial={"case_manager": cartella.case_manager_id},
    )
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: case_actions.case_manager_assign(
            cartella=cartella, user=data["case_manager"], by=request.user, version=version
        ),
        success="Case manager assegnato.",
        title="Case manager",
    )


@login_required
@require_POST
@once_per_submission
def reopen(request, pk: int):
    cartella = get_cartella_for(request, pk, capability=CAN_WRITE_ACCESS, finalita="riapertura")
    try:
        new = case_actions.cartella_reopen(cartella=cartella, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("locale:cartella_detail", pk=cartella.pk)
    messages.success(request, f"Caso riaperto: nuova cartella {new.numero}.")
    return redirect("locale:cartella_detail", pk=new.pk)


def _versioned_create(request, pk: int, form_factory, service, success: str, template_title: str):
    cartella = get_cartella_for(request, pk, capability=CAN_MANAGE, finalita=template_title)
    form = form_factory(cartella, request.POST or None)
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: service(cartella=cartella, data=data, by=request.user, version=version),
        success=success,
        title=template_title,
    )


@login_required
@once_per_submission
def intervento_new(request, pk: int):
    return _versioned_create(
        request,
        pk,
        lambda c, data: forms.InterventoForm(data, version=c.version),
        fasi_actions.intervento_plan,
        "Intervento pianificato.",
        "Nuovo intervento pianificato",
    )


@login_required
@once_per_submission
def prestazione_new(request, pk: int):
    return _versioned_create(
        request,
        pk,
        lambda c, data: forms.PrestazioneForm(data, cartella=c, version=c.version),
        fasi_actions.prestazione_register,
        "Prestazione registrata.",
        "Nuova prestazione erogata",
    )


@login_required
def prestazione_end(request, pk: int):
    prestazione = get_child_for(request, Prestazione, pk, capability=CAN_MANAGE, finalita="conclusione prestazione")
    cartella = prestazione.cartella
    form = forms.PrestazioneFineForm(request.POST or None, version=cartella.version)
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: fasi_actions.prestazione_end(
            prestazione=prestazione, data_fine=data["data_fine"], by=request.user, version=version
        ),
        success="Prestazione conclusa.",
        title=f"Conclusione della prestazione {prestazione}",
    )


def _writes(user, cartella, professional: bool) -> dict:
    """What the diario and documents pages offer: adding needs write access to the case, obscuring its management;
    without either (a case handed to the ambito, seen through a read-only équipe grant) the page only reads."""
    may = capabilities_on(user, cartella, [CAN_WRITE_ACCESS, CAN_MANAGE])
    return {"read_only": not may[CAN_WRITE_ACCESS], "can_obscure": professional and may[CAN_MANAGE]}


@login_required
@once_per_submission
def diario(request, pk: int):
    writing = request.method == "POST"
    cartella = get_cartella_for(
        request,
        pk,
        capability=CAN_WRITE_ACCESS if writing else None,
        # the same finalità for writing as for reading: a row saying "new entry" would outlive an entry the person
        # later has obscured, and hint at it in the access-log pages
        finalita="diario sociale",
    )
    protette = records.may_see_protected(request.user, cartella)
    form = forms.VoceDiarioForm(request.POST or None, protette=protette)
    if writing and form.is_valid():
        try:
            diario_actions.diario_add(cartella=cartella, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Voce aggiunta al diario.")
            return redirect("locale:diario", pk=cartella.pk)
    professional = _is_professional(request.user, cartella)
    voci = VoceDiario.objects.filter(cartella=cartella).readable_by(
        request.user, professional=professional, protette=protette
    )
    voci = voci.select_related("autore")
    tipo = request.GET.get("tipo", "")
    if tipo in TipoVoceDiario.values:
        voci = voci.filter(tipo=tipo)
    return render(
        request,
        "cartella/diario.html",
        {
            "cartella": cartella,
            "voci": voci,
            "form": form,
            "tipo": tipo,
            "tipi": TipoVoceDiario.choices,
            **_writes(request.user, cartella, professional),
        },
    )


@login_required
def diario_obscure(request, pk: int):
    voce = get_voce_diario_for(request, pk, capability=CAN_MANAGE)
    form = forms.OscuramentoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        diario_actions.diario_obscure(voce=voce, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "Episodio oscurato su richiesta della persona.")
        return redirect("locale:diario", pk=voce.cartella_id)
    return render(
        request,
        "cartella/phase_form.html",
        {"cartella": voce.cartella, "form": form, "title": "Oscuramento di un episodio"},
    )


@login_required
@once_per_submission
def documenti(request, pk: int):
    writing = request.method == "POST"
    # one finalità for reading and uploading: an upload's log row must not outlive an obscured document as a hint
    cartella = get_cartella_for(
        request, pk, capability=CAN_WRITE_ACCESS if writing else None, finalita=DOCUMENTI_FINALITA
    )
    form = forms.DocumentoForm(request.POST or None, request.FILES or None)
    if writing and form.is_valid():
        try:
            diario_actions.documento_upload(
                cartella=cartella, tipo=form.cleaned_data["tipo"], upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Documento caricato.")
            return redirect("locale:documenti", pk=cartella.pk)
    return render(
        request,
        "cartella/documenti.html",
        {
            "cartella": cartella,
            "form": form,
            "documenti": cartella.documenti.select_related("caricato_da"),
            **_writes(request.user, cartella, _is_professional(request.user, cartella)),
        },
    )


@login_required
def documento_download(request, pk: int):
    documento = get_documento_for(request, pk)
    return attachment_response(documento.file.open("rb"), name=documento.nome, content_type=documento.content_type)


@login_required
def documento_obscure(request, pk: int):
    """The person asks to obscure a document: it disappears with the diary entry that records its upload."""
    documento = get_documento_for(request, pk, capability=CAN_MANAGE)
    form = forms.OscuramentoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        diario_actions.documento_obscure(documento=documento, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "Episodio oscurato su richiesta della persona.")
        return redirect("locale:documenti", pk=documento.cartella_id)
    return render(
        request,
        "cartella/phase_form.html",
        {"cartella": documento.cartella, "form": form, "title": "Oscuramento di un episodio"},
    )


PDFS = {
    "accesso": ("cartella/pdf/scheda_accesso.html", "scheda-accesso"),
    "progetto": ("cartella/pdf/progetto.html", "progetto-individuale"),
    "riepilogo": ("cartella/pdf/riepilogo.html", "riepilogo-cartella"),
}


@login_required
def cartella_pdf(request, pk: int, kind: str):
    if kind not in PDFS:
        raise Http404
    template, name = PDFS[kind]
    cartella = get_cartella_for(request, pk, azione=AccessLog.Azione.PDF, finalita=f"stampa {name}")
    context = {
        "cartella": cartella,
        "scheda": _record_or_none(cartella, "scheda_accesso"),
        "valutazione": _record_or_none(cartella, "valutazione"),
        "progetto": _record_or_none(cartella, "progetto"),
        "chiusura": _record_or_none(cartella, "chiusura"),
        "interventi": cartella.interventi_pianificati.select_related("voce"),
        "prestazioni": cartella.prestazioni.select_related("voce"),
        "transizioni": cartella.transizioni.select_related("by"),
    }
    pdf = render_pdf(template, context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{cartella.numero.replace("/", "-")}.pdf"'
    return response


@login_required
def lavoro(request):
    """The worklists, each paged on its own (pagina_<list>), all narrowed by the same search term."""
    query = request.GET.get("q", "").strip()
    lists = paginate_together(request, worklists(request.user, query=query), prefix="pagina_")
    siuss = paginate(request, transmission_worklist(request.user, query), param="pagina_siuss")
    return render(request, "locale/lavoro.html", {"lists": lists, "siuss": siuss, "q": query})


@login_required
@require_recent_auth
@once_per_submission
def trasferimento_richiesta(request, pk: int):
    """The comune's case manager asks the ambito to take the case over (cse/cartella/actions/trasferimento.py)."""
    cartella = get_cartella_for(
        request, pk, capability=Capability.TRANSFER_CARTELLE, finalita="richiesta di trasferimento all'ambito"
    )
    form = MotivoForm(request.POST or None)
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: trasferimento_o_richiesta(cartella=cartella, motivo=data["motivo"], by=request.user),
        success="Richiesta di trasferimento inviata all'Ufficio di Piano (o, se l'ente lo prevede, in attesa di "
        "approvazione: vedere la cartella).",
        title="Richiesta di trasferimento all'ambito",
    )


@login_required
def condivisione(request, pk: int):
    """Share the case with someone outside the owner's office: refused, with the basis that is missing, unless a legal
    basis or the person's consent covers that recipient (GDPR art. 6 and 9)."""
    cartella = get_cartella_for(request, pk, capability=CAN_MANAGE, finalita="condivisione della cartella")
    form = forms.CondivisioneForm(request.POST or None)
    return _form_page(
        request,
        cartella,
        form,
        lambda data, version: case_actions.cartella_share(
            cartella=cartella,
            username=data["utente"],
            destinatario=data["destinatario"],
            base_giuridica=data["base_giuridica"],
            scade_il=data["scade_il"],
            by=request.user,
        ),
        success="Cartella condivisa: la base giuridica è registrata sulla condivisione.",
        title="Condividi la cartella",
    )
