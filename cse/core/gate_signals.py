"""Gate events: whatever can turn the gate's answer to "no" for a user tells that user's open sockets to re-check
now (cse/core/websocket.py), so they close within moments instead of at the next periodic recheck.

Sent after commit (the consumer reads the committed state in another thread): logout (the message names the ended
session, which closes its sockets without waiting for the flush that follows the signal), deactivation of the
account, an incarico revoked or deleted, a role group or a direct ente grant taken away, an OTP device deleted.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from .gate import user_group
from .live import group_broadcast

RECHECK_EVENT = "gate.recheck"


def notify_gate(user_ids: Iterable[int], *, ended_session: str | None = None) -> None:
    """Ask every open socket of these users to re-run the gate once the current transaction commits."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    message = {"type": RECHECK_EVENT, "ended_session": ended_session}

    def send() -> None:
        for pk in ids:
            group_broadcast(user_group(pk), message)

    if ids:
        transaction.on_commit(send)


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        session = getattr(request, "session", None)
        notify_gate([user.pk], ended_session=getattr(session, "session_key", None))


def on_user_saved(sender, instance, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        notify_gate([instance.pk])


def on_incarico_deleted(sender, instance, **kwargs) -> None:
    notify_gate([instance.operatore.user_id])


def on_incarico_saved(sender, instance, created: bool, **kwargs) -> None:
    if not instance.attivo:
        notify_gate([instance.operatore.user_id])


def on_user_groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """user.groups.remove(...) (reverse=False) or group.user_set.remove(...) (reverse=True); a group emptied with
    clear() names nobody any more: the periodic recheck closes those sockets."""
    if action not in {"post_remove", "post_clear"}:
        return
    notify_gate((pk_set or []) if reverse else [instance.pk])


def on_user_grant_deleted(sender, instance, **kwargs) -> None:
    notify_gate([instance.user_id])


def on_group_grant_deleted(sender, instance, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    notify_gate(get_user_model().objects.filter(groups=instance.group_id).values_list("pk", flat=True))


def on_device_deleted(sender, instance, **kwargs) -> None:
    notify_gate([instance.user_id])


def connect_gate_signals() -> None:
    """Called from CoreConfig.ready()."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.signals import user_logged_out
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from django_otp.models import Device

    from .models import EnteGroupObjectPermission, EnteUserObjectPermission, Incarico

    user_model = get_user_model()
    user_logged_out.connect(on_logout, dispatch_uid="cse.gate.logout")
    post_save.connect(on_user_saved, sender=user_model, dispatch_uid="cse.gate.user")
    post_save.connect(on_incarico_saved, sender=Incarico, dispatch_uid="cse.gate.incarico_saved")
    post_delete.connect(on_incarico_deleted, sender=Incarico, dispatch_uid="cse.gate.incarico_deleted")
    m2m_changed.connect(on_user_groups_changed, sender=user_model.groups.through, dispatch_uid="cse.gate.groups")
    post_delete.connect(on_user_grant_deleted, sender=EnteUserObjectPermission, dispatch_uid="cse.gate.grant")
    post_delete.connect(on_group_grant_deleted, sender=EnteGroupObjectPermission, dispatch_uid="cse.gate.ggrant")
    for model in apps.get_models():
        if issubclass(model, Device):
            post_delete.connect(on_device_deleted, sender=model, dispatch_uid=f"cse.gate.device.{model._meta.label}")
