"""The ente administrator's record of its people's cases: who read which record (filterable by person, to answer a
citizen's request) and what changed. Case-domain screens, mounted under /operatore/ by cse/urls.py through
cse.cartella.urls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from cse.core.exports import csv_response
from cse.core.models import AccessLog, AuditCheck, Ente
from cse.core.paging import paginate
from cse.core.params import int_param_or_default
from cse.core.permissions import ente_or_404
from cse.core.reauth import require_recent_auth
from cse.core.roles import Capability

from .models import Assistito, Cartella


def _ente_logs(request, ente: Ente):
    """The ente's access-log rows, optionally for one person (the `assistito` id a citizen's request names)."""
    logs = AccessLog.objects.filter(ente=ente).select_related("user")
    assistito_id = request.GET.get("assistito", "").strip()
    wanted = int_param_or_default(assistito_id, default=None, low=1, high=2**63 - 1)
    if wanted is not None:
        logs = logs.filter(assistito_id=wanted)
    return logs, assistito_id


@login_required
def ente_accessi(request, pk: int):
    """Who read which record of this ente, when and why; filterable by person (for a citizen's request)."""
    ente = ente_or_404(request.user, pk, Capability.VIEW_AUDIT)
    logs, assistito_id = _ente_logs(request, ente)
    page = paginate(request, logs, per_page=50)
    names = dict(
        (a.pk, f"{a.cognome} {a.nome}")
        for a in Assistito.objects.filter(pk__in=[log.assistito_id for log in page]).only("cognome", "nome")
    )
    context = {
        "ente": ente,
        "page": page,
        "names": names,
        "assistito": assistito_id,
        "verifica": AuditCheck.objects.order_by("-id").first(),  # last run of manage.py verify_audit
    }
    return render(request, "cartella/ente_accessi.html", context)


@login_required
@require_recent_auth
def ente_accessi_csv(request, pk: int):
    """The same rows as the page, all of them, as CSV (to answer a citizen's request or an inspection)."""
    ente = ente_or_404(request.user, pk, Capability.VIEW_AUDIT)
    logs, assistito_id = _ente_logs(request, ente)
    suffix = f"-assistito-{assistito_id}" if assistito_id.isdigit() else ""
    response, writer = csv_response(f"accessi-{ente.codice}{suffix}.csv")
    writer.writerow(["data_ora", "operatore", "utente", "azione", "oggetto", "id_oggetto", "id_assistito", "finalita"])
    for log in logs.order_by("id").iterator(chunk_size=2000):
        writer.writerow(
            [
                timezone.localtime(log.at).isoformat(timespec="seconds"),
                log.user.get_full_name() or log.user.get_username(),
                log.user.get_username(),
                log.get_azione_display(),
                log.oggetto_tipo,
                log.oggetto_id,
                log.assistito_id,
                log.finalita,
            ]
        )
    return response


@login_required
def ente_storico(request, pk: int):
    """Change history of the ente's people and cases, newest first (history tables stay out of the hot lists)."""
    ente = ente_or_404(request.user, pk, Capability.VIEW_AUDIT)
    cartelle = Cartella.history.filter(owner_ente_id=ente.pk).select_related("history_user").order_by("-history_date")
    assistiti = Assistito.history.filter(owner_ente_id=ente.pk).select_related("history_user").order_by("-history_date")
    rows = sorted(
        [("Cartella", h.numero, h) for h in cartelle[:200]]
        + [("Assistito", f"{h.cognome} {h.nome}", h) for h in assistiti[:200]],
        key=lambda row: row[2].history_date,
        reverse=True,
    )[:200]
    return render(request, "cartella/ente_storico.html", {"ente": ente, "rows": rows})
