"""The citizen portal's page tree: one region home as the site root, one section per ente, and each ente's
editors group (role REDATTORE_PORTALE) allowed to edit its own section only, through Wagtail page permissions, and
to use its own collection of images and documents, through Wagtail collection permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from cse.core.models import Ente
from cse.core.permissions import ente_groups_ensure
from cse.core.roles import Ruolo

from .pages.home import RegioneHomePage
from .pages.sezione import SezioneEntePage

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)


@transaction.atomic
def portale_ensure(*, title: str = "Servizi sociali in Puglia") -> RegioneHomePage:
    """The region home as the default site's root (replacing Wagtail's placeholder welcome page)."""
    home = RegioneHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=RegioneHomePage(title=title, slug="portale"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=title)
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.save()
        if placeholder.specific_class is Page and placeholder.depth == 2 and not placeholder.get_children().exists():
            placeholder.delete()
    return home


@transaction.atomic
def sezione_ensure(*, ente: Ente, introduzione: str = "") -> SezioneEntePage:
    """The ente's section, with its editors' permissions on it (and nothing else)."""
    sezione = SezioneEntePage.objects.filter(ente=ente).first()
    if sezione is None:
        home = portale_ensure()
        sezione = home.add_child(
            instance=SezioneEntePage(title=ente.nome, slug=ente.codice.lower(), ente=ente, introduzione=introduzione)
        )
    portale_editori_ensure(ente=ente)
    sezione.refresh_from_db(fields=["collezione"])
    return sezione


@transaction.atomic
def portale_editori_ensure(*, ente: Ente) -> Group | None:
    """The one place that gives an ente's editors (role group REDATTORE_PORTALE) their Wagtail rights: admin access,
    page permissions on the ente's section and its subtree, and a media collection of their own for images and
    documents — and removes any they hold elsewhere, so that one ente's editors never touch another's pages or
    media. Idempotent; called when an ente's section is seeded and after every migrate for the existing sections."""
    group = ente_groups_ensure(ente).get(Ruolo.REDATTORE_PORTALE)
    sezione = SezioneEntePage.objects.filter(ente=ente).first()
    if group is None or sezione is None:
        return group
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    _page_permissions_sync(group=group, sezione=sezione)
    _collection_permissions_sync(group=group, collection=collezione_ensure(sezione=sezione))
    return group


def collezione_ensure(*, sezione: SezioneEntePage) -> Collection:
    """The section's own collection of images and documents (a child of Wagtail's root collection)."""
    if sezione.collezione_id is None:
        root = Collection.get_first_root_node()
        sezione.collezione = root.add_child(instance=Collection(name=f"{sezione.ente.nome} ({sezione.ente.codice})"))
        SezioneEntePage.objects.filter(pk=sezione.pk).update(collezione=sezione.collezione)
    return sezione.collezione


def _page_permissions_sync(*, group: Group, sezione: SezioneEntePage) -> None:
    wanted = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS)
    )
    GroupPagePermission.objects.filter(group=group).exclude(page=sezione, permission__in=wanted).delete()
    for permission in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=sezione, permission=permission)


def _collection_permissions_sync(*, group: Group, collection: Collection) -> None:
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in EDITOR_COLLECTION_PERMISSIONS
    ]
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection, permission__in=wanted).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def portale_editori_sync_after_migrate(sender, using: str = "default", **kwargs) -> None:
    """Existing installations get the editors' rights as this module defines them at the next `migrate`, as the
    role groups do (cse/core/permissions.py), with no hand-written data migration."""
    if using != "default":
        return
    for ente in Ente.objects.filter(sezione_portale__isnull=False):
        portale_editori_ensure(ente=ente)
