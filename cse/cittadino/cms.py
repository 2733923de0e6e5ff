"""The citizen portal's page tree: one region home as the site root, one section per ente, and each ente's
editors group (role REDATTORE_PORTALE) allowed to edit its own section only, through Wagtail page permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Page, Site

from cse.core.models import Ente
from cse.core.permissions import ente_groups_ensure
from cse.core.roles import Ruolo

from .pages.home import RegioneHomePage
from .pages.sezione import SezioneEntePage

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


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
    """The ente's section and its editors' permissions on it (and nothing else)."""
    sezione = SezioneEntePage.objects.filter(ente=ente).first()
    if sezione is None:
        home = portale_ensure()
        sezione = home.add_child(
            instance=SezioneEntePage(title=ente.nome, slug=ente.codice.lower(), ente=ente, introduzione=introduzione)
        )
    group = ente_groups_ensure(ente).get(Ruolo.REDATTORE_PORTALE)
    if group is not None:
        editors_grant(group=group, sezione=sezione)
    return sezione


def editors_grant(*, group: Group, sezione: SezioneEntePage) -> None:
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=sezione, permission=permission)
