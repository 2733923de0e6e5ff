"""Informativa and consents, and the legal basis of every share of a case (GDPR art. 6, 7 and 9): bad input refused
with nothing written, a share refused without a basis naming what is missing, a share on consent ended by the
revocation in the same transaction (history, diary, event), a revocation twice harmless."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from cse.cartella.actions.cartella import cartella_grant_access, cartella_share
from cse.cartella.actions.consensi import consenso_give, consenso_revoke, informativa_record
from cse.cartella.consensi import Consenso, Informativa
from cse.cartella.fasi import VoceDiario
from cse.cartella.models import Cartella, CartellaUserObjectPermission
from cse.core.codelists.privacy import BaseGiuridica, TipoDestinatario
from cse.core.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ets_user(db):
    """An account of a third-sector body (a cooperative working with the comune): no role in any ente."""
    return get_user_model().objects.create_user(username="coop_ets", first_name="Coop", last_name="Sociale")


def _sees(user, cartella) -> bool:
    """As the next request would see it (a fresh user, no identity memoised from an earlier check)."""
    fresh = get_user_model().objects.get(pk=user.pk)
    return Cartella.objects.visible_to(fresh).filter(pk=cartella.pk).exists()


def test_the_informativa_is_recorded_with_version_date_channel_and_who(person, worker):
    informativa = informativa_record(
        assistito=person, versione="2025-01", data=timezone.localdate(), canale="a_mano", by=worker
    )
    assert (informativa.versione, informativa.canale, informativa.consegnata_da) == ("2025-01", "a_mano", worker)
    assert informativa.history.count() == 1
    assert OutboxEvent.objects.filter(event_type="informativa.registrata", aggregate_id=informativa.pk).exists()


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("versione", {"versione": "1999-xx", "canale": "a_mano", "days": 0}),
        ("canale", {"versione": "2025-01", "canale": "piccione", "days": 0}),
        ("data", {"versione": "2025-01", "canale": "a_mano", "days": 3}),
    ],
)
def test_an_informativa_with_bad_input_is_refused_and_nothing_is_written(person, worker, field, data):
    with pytest.raises(ValidationError) as refused:
        informativa_record(
            assistito=person,
            versione=data["versione"],
            canale=data["canale"],
            data=timezone.localdate() + timedelta(days=data["days"]),
            by=worker,
        )
    assert field in refused.value.message_dict
    assert not Informativa.objects.filter(assistito=person).exists()


def test_a_consent_with_an_unknown_purpose_or_given_twice_is_refused(person, worker):
    with pytest.raises(ValidationError, match="finalità"):
        consenso_give(assistito=person, finalita="marketing", canale="a_mano", by=worker)
    consenso_give(assistito=person, finalita="app_io", canale="a_mano", by=worker)
    with pytest.raises(ValidationError, match="già dato"):
        consenso_give(assistito=person, finalita="app_io", canale="email", by=worker)
    assert Consenso.objects.filter(assistito=person).count() == 1


def test_a_third_sector_share_without_consent_is_refused_naming_the_missing_consent(case, worker, ets_user):
    with pytest.raises(ValidationError) as refused:
        cartella_share(
            cartella=case,
            username=ets_user.username,
            destinatario=TipoDestinatario.TERZO_SETTORE,
            base_giuridica=BaseGiuridica.CONSENSO_TERZO_SETTORE,
            scade_il=None,
            by=worker,
        )
    message = " ".join(refused.value.messages)
    assert "manca il consenso" in message and "art. 6(1)(a)" in message and "terzo settore" in message
    assert not _sees(ets_user, case)


def test_a_share_without_any_basis_is_refused_listing_the_bases_that_could_cover_it(case, worker, ets_user):
    with pytest.raises(ValidationError) as refused:
        cartella_grant_access(
            cartella=case, user=ets_user, base_giuridica="", destinatario=TipoDestinatario.UVM, by=worker
        )
    message = " ".join(refused.value.messages)
    assert "manca la base giuridica" in message and "9(2)(h)" in message
    assert not CartellaUserObjectPermission.objects.filter(user=ets_user).exists()


def test_a_basis_in_law_does_not_cover_a_third_sector_body(case, worker, ets_user):
    with pytest.raises(ValidationError, match="non copre"):
        cartella_grant_access(
            cartella=case,
            user=ets_user,
            base_giuridica=BaseGiuridica.COMPITO_PUBBLICO,
            destinatario=TipoDestinatario.TERZO_SETTORE,
        )
    assert not _sees(ets_user, case)


def test_a_share_with_a_legal_basis_is_allowed_and_the_basis_is_recorded_on_the_grant(case, worker, ets_user):
    cartella_share(
        cartella=case,
        username=ets_user.username,
        destinatario=TipoDestinatario.UVM,
        base_giuridica=BaseGiuridica.SOCIOSANITARIA,
        scade_il=timezone.localdate() + timedelta(days=30),
        by=worker,
    )
    grant = CartellaUserObjectPermission.objects.get(user=ets_user, content_object=case)
    assert (grant.base_giuridica, grant.destinatario, grant.consenso) == ("sociosanitaria", "uvm", None)
    assert _sees(ets_user, case)
    assert VoceDiario.objects.filter(cartella=case, testo__contains="art. 9(2)(h)").exists()


def test_a_share_resting_on_consent_ends_when_the_consent_is_revoked(case, person, worker, ets_user):
    consenso = consenso_give(assistito=person, finalita="terzo_settore", canale="a_mano", by=worker)
    cartella_share(
        cartella=case,
        username=ets_user.username,
        destinatario=TipoDestinatario.TERZO_SETTORE,
        base_giuridica=BaseGiuridica.CONSENSO_TERZO_SETTORE,
        scade_il=None,
        by=worker,
    )
    assert _sees(ets_user, case)
    assert CartellaUserObjectPermission.objects.get(user=ets_user).consenso == consenso

    consenso_revoke(consenso=consenso, by=worker)

    assert not _sees(ets_user, case)
    grant = CartellaUserObjectPermission.objects.get(user=ets_user)
    assert grant.expires_at is not None and grant.history.first().history_change_reason.startswith("consenso revocato")
    ended = OutboxEvent.objects.get(event_type="consenso.condivisione_terminata")
    assert ended.payload == {"cartella": case.pk, "base_giuridica": "consenso_terzo_settore"}
    assert VoceDiario.objects.filter(cartella=case, testo__contains="revocato il consenso").exists()
    consenso.refresh_from_db()
    assert consenso.revocato_da == worker and consenso.revocato_tramite == "operatore"
    assert [h.revocato_il is None for h in consenso.history.order_by("history_date")] == [True, False]


def test_revoking_twice_is_harmless(person, worker):
    consenso = consenso_give(assistito=person, finalita="email", canale="a_mano", by=worker)
    first = consenso_revoke(consenso=consenso, by=worker)
    second = consenso_revoke(consenso=consenso, by=worker, tramite="portale")
    assert second.revocato_il == first.revocato_il and second.revocato_tramite == "operatore"
    assert OutboxEvent.objects.filter(event_type="consenso.revocato").count() == 1
    assert consenso.history.count() == 2


def test_after_a_revocation_the_consent_can_be_given_again(person, worker):
    consenso_revoke(consenso=consenso_give(assistito=person, finalita="app_io", canale="a_mano", by=worker), by=worker)
    again = consenso_give(assistito=person, finalita="app_io", canale="portale", by=worker)
    assert again.attivo and Consenso.objects.filter(assistito=person, finalita="app_io").count() == 2


def test_only_a_professional_of_the_owner_may_share_the_case(case, ets_user):
    from tests.support.factories import OperatoreFactory
    from tests.support.places import foreign_comune

    stranger = OperatoreFactory(ente=foreign_comune(), ruolo="assistente_sociale")
    with pytest.raises(ValidationError):
        cartella_share(
            cartella=case,
            username=ets_user.username,
            destinatario=TipoDestinatario.UVM,
            base_giuridica=BaseGiuridica.SOCIOSANITARIA,
            scade_il=None,
            by=stranger,
        )
    assert not _sees(ets_user, case)
