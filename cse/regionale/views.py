from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from cse.core.permissions import has_capability
from cse.core.roles import Capability

from .models import EventoRegionale


@login_required
def cruscotto(request):
    if not has_capability(request.user, Capability.VIEW_REGIONAL_DATA):
        return render(request, "core/forbidden.html", status=404)
    per_tipo = EventoRegionale.objects.values("event_type").annotate(n=Count("id")).order_by("event_type")
    return render(request, "regionale/cruscotto.html", {"per_tipo": per_tipo})
