"""Create forms are idempotent: a double click or a resent request creates one row, not two (ASVS 5.0 V2.3
business-logic sequencing: a flow's step is done once).

Each create form carries a hidden one-time token ({% submission_token %}, signed so only tokens this server issued
are accepted). The view wrapped by @once_per_submission claims the token in the same transaction as the create and
stores where the create led; the same token posted again does not run the view: it goes to that first result with
an information message. A post without a valid token is refused with 400. A post that creates nothing (a form with
errors) releases its claim, so the corrected form can be sent again.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html

from .models import SubmissionToken
from .throttle import AtMostEvery

FIELD = "submission_token"
MAX_AGE_SECONDS = 24 * 3600  # a form left open for a working day still goes through
_SALT = "cse.core.submission"
ALREADY_SENT = "Il modulo era già stato inviato: nulla è stato registrato due volte. Ecco il risultato del primo invio."
INVALID_FORM = "Il modulo inviato non è valido o è scaduto: ricaricare la pagina e inviarlo di nuovo."
_purge = AtMostEvery(600)  # claims purge the expired rows at most every 10 minutes per process


def new_submission_token() -> str:
    """A fresh signed one-time token for one rendering of a create form."""
    return signing.TimestampSigner(salt=_SALT).sign(secrets.token_urlsafe(18))


def submission_token_input() -> str:
    """The hidden input carrying a fresh token (what the template tag renders)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_submission_token())


def valid_token(value: str | None) -> bool:
    """Issued by this server (signature) within MAX_AGE_SECONDS."""
    if not value or len(value) > SubmissionToken._meta.get_field("token").max_length:
        return False
    try:
        signing.TimestampSigner(salt=_SALT).unsign(value, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    return True


def _claim(request: HttpRequest, token: str) -> int | None:
    """Insert the claim row and return its id, or None when the token was already claimed. One statement, no
    savepoint: ON CONFLICT DO NOTHING makes a concurrent twin wait for the first transaction and then insert
    nothing (PostgreSQL and SQLite ≥ 3.35 alike)."""
    user_id = request.user.pk if request.user.is_authenticated else None  # a citizen may book without logging in
    table = connection.ops.quote_name(SubmissionToken._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, token, result_url, claimed_at) VALUES (%s, %s, '', %s) "  # noqa: S608
            "ON CONFLICT (token) DO NOTHING RETURNING id",
            [user_id, token, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _first_result(request: HttpRequest, token: str) -> HttpResponse:
    """The first submission's result, only to whoever made it (anyone else just sees the form's page again)."""
    user_id = request.user.pk if request.user.is_authenticated else None
    claimed = SubmissionToken.objects.filter(token=token, user_id=user_id).exclude(result_url="").first()
    messages.info(request, ALREADY_SENT)
    return redirect(claimed.result_url if claimed else request.path)


def purge_expired_submission_tokens() -> int:
    """Delete the claims of tokens past MAX_AGE_SECONDS: valid_token refuses such a token before the table is read,
    so its row can no longer serve a repeat. Returns the number deleted."""
    cutoff = timezone.now() - timedelta(seconds=MAX_AGE_SECONDS)
    deleted, _ = SubmissionToken.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted


def _settle(claim: int, response: HttpResponse | None) -> None:
    """Keep the claim with the result a redirect leads to; release it when nothing was created."""
    claims = SubmissionToken.objects.filter(pk=claim)
    if response is not None and 300 <= response.status_code < 400 and response.get("Location"):
        claims.update(result_url=response["Location"][:500])
        if _purge.due():
            purge_expired_submission_tokens()
    else:
        claims.delete()  # errors shown or access refused: the (corrected) form may be sent again


def once_per_submission(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a view whose POST creates rows: one creation per token, the repeat goes to the first result."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        token = request.POST.get(FIELD)
        if not valid_token(token):
            return HttpResponseBadRequest(INVALID_FORM, content_type="text/plain; charset=utf-8")
        refused = None
        with transaction.atomic():
            claim = _claim(request, token)
            if claim is None:
                return _first_result(request, token)
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied) as exc:  # a refusal keeps what it logged, and frees the token
                refused, response = exc, None
            _settle(claim, response)
        if refused is not None:
            raise refused
        return response

    return wrapper
