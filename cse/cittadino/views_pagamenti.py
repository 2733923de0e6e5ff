"""«I miei pagamenti»: the pagoPA notices of the compartecipazione charged to the logged-in citizen (their own
codice fiscale only), with the codice avviso and the notice PDF. Same authentication as the other citizen pages: an
anonymous visitor goes to the login; a logged-in operator is nobody's citizen (a notice answers 404, as one that does
not exist)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from cse.compartecipazione import selectors
from cse.compartecipazione.avviso_pdf import avviso_pdf_response


def _to_login(request):
    return redirect(f"{reverse('cittadino:accesso')}?next={request.path}")


def pagamenti(request):
    if not request.user.is_authenticated or getattr(request.user, "cittadino", None) is None:
        return _to_login(request)
    avvisi = selectors.avvisi_for_citizen(request.user)
    return render(request, "cittadino/pagamenti.html", {"avvisi": avvisi})


def pagamento_pdf(request, pk: int):
    if not request.user.is_authenticated:
        return _to_login(request)
    if getattr(request.user, "cittadino", None) is None:
        raise Http404
    return avviso_pdf_response(selectors.get_avviso_for_citizen(request.user, pk), request=request)
