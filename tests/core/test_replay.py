"""Replay store: one use per token id until the token expires (DB table on the embedded default, Redis when set)."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cse.core import replay
from cse.core.models import UsedTokenId
from cse.core.replay import TokenRejected, accept_once, claim_token_id, token_expiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_store(settings):
    settings.CSE_JTI_STORE = "db"


def test_db_store_accepts_a_token_id_once_per_namespace(db_store):
    jti, exp = uuid.uuid4().hex, time.time() + 300
    assert claim_token_id("pdnd-voucher", jti, exp) is True
    assert claim_token_id("pdnd-voucher", jti, exp) is False
    assert claim_token_id("modi:anpr_C030", jti, exp) is True  # another namespace is another issuer
    assert UsedTokenId.objects.filter(namespace="pdnd-voucher").count() == 1


def test_db_store_lets_a_new_token_reuse_the_id_of_an_expired_one(db_store):
    jti = uuid.uuid4().hex
    assert claim_token_id("pdnd-voucher", jti, time.time() - 1)  # a row already past its expiry
    assert claim_token_id("pdnd-voucher", jti, time.time() + 300) is True
    assert claim_token_id("pdnd-voucher", jti, time.time() + 300) is False


def test_expired_rows_are_purged_by_the_claims_now_and_then(db_store):
    old = UsedTokenId.objects.create(
        namespace="pdnd-voucher", token_hash="0" * 64, expires_at=timezone.now() - timedelta(seconds=1)
    )
    replay._purge.reset()
    assert claim_token_id("pdnd-voucher", uuid.uuid4().hex, time.time() + 300)
    assert not UsedTokenId.objects.filter(pk=old.pk).exists()
    assert UsedTokenId.objects.count() == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="Redis solo con REDIS_URL")
def test_redis_store_accepts_a_token_id_once(settings):
    settings.CSE_JTI_STORE = "redis"
    settings.REDIS_URL = os.environ["REDIS_URL"]
    jti, exp = uuid.uuid4().hex, time.time() + 5
    assert claim_token_id("pdnd-voucher", jti, exp) is True
    assert claim_token_id("pdnd-voucher", jti, exp) is False
    assert not UsedTokenId.objects.exists()  # nothing written to the database
    ttl = replay._redis(settings.REDIS_URL).ttl(
        f"cse:jti:pdnd-voucher:{replay.hashlib.sha256(jti.encode()).hexdigest()}"
    )
    assert 0 < ttl <= 5  # remembered until the token expires, not for ever


def test_a_store_other_than_db_or_redis_is_a_configuration_error(settings):
    settings.CSE_JTI_STORE = "memoria"
    with pytest.raises(ImproperlyConfigured):
        claim_token_id("pdnd-voucher", "x", time.time() + 60)
    settings.CSE_JTI_STORE, settings.REDIS_URL = "redis", ""
    with pytest.raises(ImproperlyConfigured):
        claim_token_id("pdnd-voucher", "x", time.time() + 60)


NOW = 1_800_000_000


@pytest.mark.parametrize(
    "claims, code",
    [
        ({"exp": str(NOW + 60), "iat": NOW}, "claim_non_numerico"),
        ({"exp": NOW + 60, "iat": True}, "claim_non_numerico"),
        ({"exp": NOW + 60, "iat": NOW, "nbf": [NOW]}, "claim_non_numerico"),
        ({"exp": float("inf"), "iat": NOW}, "claim_non_numerico"),
        ({"exp": NOW + 60}, "claim_mancante"),
        ({"exp": NOW - 31, "iat": NOW - 300}, "scaduto"),
        ({"exp": NOW + 400, "iat": NOW + 31}, "non_ancora_valido"),
        ({"exp": NOW + 60, "iat": NOW, "nbf": NOW + 31}, "non_ancora_valido"),
        ({"exp": NOW + 601, "iat": NOW}, "durata_eccessiva"),
        ({"exp": NOW, "iat": NOW}, "durata_eccessiva"),
    ],
)
def test_time_claims_must_be_numbers_within_skew_and_lifetime(claims, code):
    with pytest.raises(TokenRejected) as exc:
        token_expiry(claims, leeway=30, max_lifetime=600, now=NOW)
    assert exc.value.code == code


def test_accepted_times_give_the_instant_the_jti_must_be_kept_until():
    claims = {"exp": NOW + 580, "iat": NOW - 20, "nbf": NOW + 25}
    assert token_expiry(claims, leeway=30, max_lifetime=600, now=NOW) == NOW + 610


def test_accept_once_refuses_a_missing_jti_and_a_replay(db_store):
    now = int(time.time())
    with pytest.raises(TokenRejected) as missing:
        accept_once("pdnd-voucher", {"exp": now + 60, "iat": now}, leeway=30, max_lifetime=600)
    assert missing.value.code == "jti_mancante"
    claims = {"exp": now + 60, "iat": now, "jti": uuid.uuid4().hex}
    accept_once("pdnd-voucher", claims, leeway=30, max_lifetime=600)
    with pytest.raises(TokenRejected) as replayed:
        accept_once("pdnd-voucher", claims, leeway=30, max_lifetime=600)
    assert replayed.value.code == "jti_ripetuto"
