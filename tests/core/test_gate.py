"""The authentication gate's single decision (cse/core/gate.py): who passes, who is refused and with which close
code, on sessions as login and otp_login leave them (tests/support/ws.py)."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from cse.core.gate import CLOSE_NOT_AUTHENTICATED, CLOSE_NOT_AUTHORISED, Reason, check_gate
from cse.core.models import Incarico
from cse.core.services import ente_for_comune, incarico_revoke
from cse.core.websocket import fresh_gate_decision
from cse.demo.synthetic import codice_fiscale_for
from tests.support.factories import ComuneFactory, make_operator
from tests.support.ws import session_key_for

pytestmark = pytest.mark.django_db


def _session(key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


@pytest.fixture
def operator():
    return make_operator(ente_for_comune(ComuneFactory()), "segretariato")


@pytest.fixture
def otp_required(settings):
    settings.CSE_REQUIRE_OTP = True


def test_a_verified_operator_session_passes(operator, otp_required):
    decision = check_gate(operator, _session(session_key_for(operator, verified=True)))
    assert decision.allowed and decision.reason is Reason.OK and decision.close_code is None


def test_no_user_or_a_session_of_someone_else_is_not_authenticated(operator):
    other = make_operator(ente_for_comune(ComuneFactory()), "segretariato")
    assert check_gate(AnonymousUser(), _session(session_key_for(operator))).close_code == CLOSE_NOT_AUTHENTICATED
    foreign = check_gate(operator, _session(session_key_for(other)))
    assert (foreign.allowed, foreign.reason, foreign.close_code) == (False, Reason.SESSION_ENDED, 4401)
    assert check_gate(operator, None).reason is Reason.SESSION_ENDED


def test_password_only_is_refused_where_the_second_factor_is_required(operator, otp_required):
    decision = check_gate(operator, _session(session_key_for(operator, verified=False)))
    assert (decision.allowed, decision.reason, decision.close_code) == (False, Reason.SECOND_FACTOR, 4401)


def test_demo_mode_needs_no_second_factor(operator, settings):
    settings.CSE_REQUIRE_OTP = False
    assert check_gate(operator, _session(session_key_for(operator, verified=False))).allowed


def test_deleting_the_otp_device_unverifies_the_session(operator, otp_required):
    session = _session(session_key_for(operator, verified=True))
    TOTPDevice.objects.filter(user=operator).delete()
    assert check_gate(operator, session).reason is Reason.SECOND_FACTOR


def test_citizens_have_no_operator_second_factor(otp_required):
    from cse.cittadino.services import cittadino_ensure

    cf = codice_fiscale_for("Verdi", "Anna", "F", date(1980, 5, 4), "F284")
    citizen = cittadino_ensure(codice_fiscale=cf, nome="Anna", cognome="Verdi").user
    assert check_gate(citizen, _session(session_key_for(citizen, verified=False))).allowed


def test_a_deactivated_account_is_no_longer_authorised(operator):
    session = _session(session_key_for(operator))
    operator.is_active = False
    decision = check_gate(operator, session)
    assert (decision.reason, decision.close_code) == (Reason.INACTIVE, CLOSE_NOT_AUTHORISED)


def test_an_operator_without_any_active_incarico_holds_no_role(operator):
    session = _session(session_key_for(operator))
    incarico_revoke(incarico=Incarico.objects.get(operatore__user=operator))
    decision = check_gate(get_user_model().objects.get(pk=operator.pk), session)
    assert (decision.reason, decision.close_code) == (Reason.NO_ROLE, CLOSE_NOT_AUTHORISED)


def test_superusers_and_external_members_need_no_incarico(settings):
    admin = get_user_model().objects.create_superuser("admin.gate", password="x")
    external = get_user_model().objects.create_user("asl.gate")
    for user in (admin, external):
        assert check_gate(user, _session(session_key_for(user))).allowed, user


def test_the_absolute_lifetime_counts_from_login(operator):
    session = _session(session_key_for(operator))
    started = session["cse_session_started"]
    limit = settings.CSE_SESSION_ABSOLUTE_SECONDS
    assert check_gate(operator, session, now=started + limit - 1).allowed
    decision = check_gate(operator, session, now=started + limit + 1)
    assert (decision.reason, decision.close_code) == (Reason.ABSOLUTE_TIMEOUT, 4401)


def test_a_websocket_recheck_reads_the_session_and_user_as_they_are_now(operator):
    assert fresh_gate_decision(session_key_for(operator), operator.pk).allowed
    expired = session_key_for(operator)
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert fresh_gate_decision(expired, operator.pk).reason is Reason.SESSION_ENDED  # idle timeout
    logged_out = session_key_for(operator)
    Session.objects.filter(session_key=logged_out).delete()
    assert fresh_gate_decision(logged_out, operator.pk).reason is Reason.SESSION_ENDED
    before_password_change = session_key_for(operator)
    operator.set_password("Un-Altra-Password-2026!")
    operator.save()
    assert fresh_gate_decision(before_password_change, operator.pk).reason is Reason.SESSION_ENDED
    get_user_model().objects.filter(pk=operator.pk).update(is_active=False)
    assert fresh_gate_decision(session_key_for(operator), operator.pk).reason is Reason.INACTIVE
    assert fresh_gate_decision(None, operator.pk).reason is Reason.SESSION_ENDED
