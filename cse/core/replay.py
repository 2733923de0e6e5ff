"""One use per token id (JWT `jti`) until the token expires: replay protection for the PDND vouchers the WaaS
e-service receives and for the ModI signed answers interop/ receives.

RFC 7519 §4.1.7 and the AgID ModI guidelines (INTEGRITY_REST_02): a `jti` is accepted once; a second use before the
token expires is a replay. The claim is atomic — a unique-constraint insert (table core.UsedTokenId) or Redis
`SET NX EX` — so of two parallel uses of one token exactly one is accepted, whatever the number of app server
processes. Setting CSE_JTI_STORE: "db" (embedded default) or "redis" (default when REDIS_URL is set).
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Mapping
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, router, transaction
from django.utils import timezone

from .models import UsedTokenId
from .throttle import AtMostEvery

MAX_JTI_LENGTH = 255
STORES = ("db", "redis")
# the table is purged of expired rows by the claims themselves, at most every 10 minutes per process
_purge = AtMostEvery(600)


class TokenRejected(Exception):
    """A token refused by its time claims or its id; `code` says why (for logs, never for an anonymous caller)."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.code = code


def _numeric_date(claims: Mapping, name: str) -> float | None:
    """RFC 7519 NumericDate: a JSON number. A string, a boolean or an infinity is refused, never coerced."""
    if name not in claims:
        return None
    value = claims[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TokenRejected(f"Il claim '{name}' non è una data numerica.", code="claim_non_numerico")
    return float(value)


def token_expiry(claims: Mapping, *, leeway: int, max_lifetime: int, now: float | None = None) -> float:
    """Check exp, iat, nbf (skew `leeway`, lifetime at most `max_lifetime`); the instant the token stops being
    acceptable, i.e. how long its jti must be remembered."""
    now = time.time() if now is None else now
    exp, iat, nbf = (_numeric_date(claims, name) for name in ("exp", "iat", "nbf"))
    if exp is None or iat is None:
        raise TokenRejected("Mancano i claim 'exp' o 'iat'.", code="claim_mancante")
    if exp + leeway < now:
        raise TokenRejected("Token scaduto.", code="scaduto")
    if iat - leeway > now or (nbf is not None and nbf - leeway > now):
        raise TokenRejected("Token emesso nel futuro o non ancora valido.", code="non_ancora_valido")
    if not 0 < exp - iat <= max_lifetime:
        raise TokenRejected(f"Durata del token oltre {max_lifetime} secondi.", code="durata_eccessiva")
    return exp + leeway


def accept_once(namespace: str, claims: Mapping, *, leeway: int, max_lifetime: int) -> None:
    """Time checks, then claim the jti; TokenRejected if the token is stale, lasts too long, has no jti or is a
    replay. Call it last, after signature, issuer and audience: a refused token must not burn its jti."""
    expires_at = token_expiry(claims, leeway=leeway, max_lifetime=max_lifetime)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise TokenRejected("Claim 'jti' mancante o non valido.", code="jti_mancante")
    if not claim_token_id(namespace, jti, expires_at):
        raise TokenRejected("Token già utilizzato (jti ripetuto).", code="jti_ripetuto")


def jti_store() -> str:
    store = settings.CSE_JTI_STORE
    if store not in STORES:
        raise ImproperlyConfigured(f"CSE_JTI_STORE deve essere 'db' o 'redis', non {store!r}.")
    if store == "redis" and not settings.REDIS_URL:
        raise ImproperlyConfigured("CSE_JTI_STORE=redis richiede REDIS_URL.")
    return store


def claim_token_id(namespace: str, jti: str, expires_at: float | datetime) -> bool:
    """True the first time (namespace, jti) is seen before `expires_at` (Unix time or aware datetime), False for a
    reuse. Atomic: a DB unique insert or Redis SET NX EX, so parallel uses of one token are accepted once."""
    expires = expires_at.timestamp() if isinstance(expires_at, datetime) else float(expires_at)
    digest = hashlib.sha256(jti.encode("utf-8", "surrogatepass")).hexdigest()
    if jti_store() == "redis":
        return _claim_redis(namespace, digest, expires)
    return _claim_db(namespace, digest, expires)


def _claim_redis(namespace: str, digest: str, expires: float) -> bool:
    ttl = max(math.ceil(expires - time.time()), 1)
    return bool(_redis(settings.REDIS_URL).set(f"cse:jti:{namespace}:{digest}", 1, nx=True, ex=ttl))


@functools.lru_cache(maxsize=4)
def _redis(url: str):
    import redis  # installed with channels-redis; only needed when the store is Redis

    return redis.Redis.from_url(url)


def _claim_db(namespace: str, digest: str, expires: float) -> bool:
    using = router.db_for_write(UsedTokenId)
    expires_at = datetime.fromtimestamp(expires, UTC)
    try:
        with transaction.atomic(using=using):
            UsedTokenId.objects.using(using).create(namespace=namespace, token_hash=digest, expires_at=expires_at)
    except IntegrityError:
        # seen before: a replay, unless that earlier token has expired (then the row is dead and is taken over;
        # the conditional UPDATE lets one of two parallel takers win)
        taken_over = (
            UsedTokenId.objects.using(using)
            .filter(namespace=namespace, token_hash=digest, expires_at__lt=timezone.now())
            .update(expires_at=expires_at)
        )
        return taken_over == 1
    if _purge.due():
        purge_expired_token_ids(using=using)
    return True


def purge_expired_token_ids(*, using: str | None = None) -> int:
    """Delete the rows of tokens that have expired (their jti can no longer be replayed): the number deleted."""
    using = using or router.db_for_write(UsedTokenId)
    deleted, _ = UsedTokenId.objects.using(using).filter(expires_at__lt=timezone.now()).delete()
    return deleted
