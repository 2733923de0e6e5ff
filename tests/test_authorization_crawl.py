"""Authorization crawl: every URL pattern (from the resolver), websocket route and API operation of the product is
classified in tests/access_policy.py, and every role is tried against it: whoever the policy keeps out gets the
deny answer (operator login for anonymous, 404 for operators without the capability and for citizens), never a 200.
Foreign objects of id-taking URLs are the isolation matrix's job (test_isolation_matrix.py); here id-taking URLs are
tried by anonymous visitors, citizens and an expired external UVM member against every object of the territory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cse.ambito.models import MembroUVM
from cse.cittadino.auth import cittadino_ensure
from cse.core.roles import capabilities_of
from cse.routing import websocket_urlpatterns
from tests.support.access_policy import API_POLICY, FRAMEWORK_ERRORS, PREFIX_POLICY, URL_POLICY, WEBSOCKET_POLICY
from tests.support.isolation import EXTRA_KWARGS, KIND_KWARG, OBJECT_URLS, foreign_objects
from tests.support.ws import connect

OPERATOR_LOGIN = "/operatore/accesso/?next="
CITIZEN_LOGIN = "/cittadino/accesso/?next="
SPEC = Path(__file__).resolve().parent.parent / "cse" / "siuss" / "specs" / "api-comuni.yaml"


def all_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(name, route, pattern) for every URL pattern the project serves, admin and Wagtail included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from all_routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}", prefix + str(p.pattern), p


def rule_for(name: str, route: str, method: str = "GET") -> str | None:
    rule = URL_POLICY.get(name) or next((r for prefix, r in PREFIX_POLICY.items() if route.startswith(prefix)), None)
    if isinstance(rule, dict):  # a write rule covers every unsafe method
        return rule["GET"] if method.upper() in {"GET", "HEAD"} else rule["POST"]
    return rule


def test_every_route_websocket_and_api_operation_has_a_rule():
    unclassified = sorted({f"{n} ({r})" for n, r, _ in all_routes() if rule_for(n, r) is None})
    assert unclassified == [], f"rotte senza regola di accesso: {unclassified}"
    assert sorted({str(p.pattern) for p in websocket_urlpatterns} - set(WEBSOCKET_POLICY)) == []
    spec = yaml.safe_load(SPEC.read_text())
    operations = {(m, path) for path, item in spec["paths"].items() for m in item if m in {"get", "post", "put"}}
    assert operations and operations - set(API_POLICY) == set()
    stale = set(URL_POLICY) - {n for n, _r, _p in all_routes()}
    assert stale == set(), f"regole per rotte che non esistono più: {stale}"


# --- roles ------------------------------------------------------------------------------------------------------------


def _roles(territory) -> dict[tuple[str, str], object]:
    """Every operator of the territory, a citizen, an expired external UVM member and the anonymous visitor (None)."""
    roles = dict(territory.all_users())
    person = territory.assistiti["A1"]
    roles[("CIT", "cittadino")] = cittadino_ensure(
        codice_fiscale=person.codice_fiscale, nome=person.nome, cognome=person.cognome
    ).user
    roles[("ASL", "membro_uvm_scaduto")] = expired_uvm_member(territory)
    roles[("ANON", "anonimo")] = None
    return roles


def expired_uvm_member(territory):
    """An ASL professional added to ambito A's UVM session whose access ended an hour ago."""
    from cse.ambito.services import uvm_member_add
    from cse.cartella.models import CartellaUserObjectPermission

    user = get_user_model().objects.create_user("asl.scaduto", first_name="Ezio", last_name="Scaduto")
    sessione = territory.sessioni["AMB_A"]
    membro = uvm_member_add(
        sessione=sessione,
        by=territory.user("AMB_A", "coordinatore_uvm"),
        tipo="asl",
        user=user,
        qualifica="Geriatra",
        accesso_fino_al=timezone.now() + timedelta(hours=1),
    )
    past = timezone.now() - timedelta(hours=1)
    MembroUVM.objects.filter(pk=membro.pk).update(accesso_fino_al=past)
    CartellaUserObjectPermission.objects.filter(user=user).update(expires_at=past)
    return user


def _allowed(rule: str, key: tuple[str, str], territory) -> bool:
    ente_key, ruolo = key
    if rule == "public":
        return True
    if rule == "citizen":
        return ruolo == "cittadino"
    if rule == OPERATOR_RULE:
        return ente_key not in {"CIT", "ANON"}
    if rule in {"analyst", "superuser", "wagtail-admin"} or rule.startswith("operator:"):
        if ente_key not in territory.enti:
            return False
        if rule == "wagtail-admin":
            return ruolo == "redattore_portale"
        if rule == "superuser":
            return False
        capability = "view_regional_data" if rule == "analyst" else rule.split(":", 1)[1]
        return capability in capabilities_of(ruolo, territory.enti[ente_key].tipo)
    raise AssertionError(f"regola sconosciuta {rule}")


OPERATOR_RULE = "operator"


def _denied_as_expected(rule: str, key: tuple[str, str], response) -> bool:
    """The deny answer the policy states for this visitor."""
    status, location = response.status_code, response.get("Location", "")
    if rule == "superuser":
        return status == 302 and location.startswith("/gestione/login/")
    if rule == "wagtail-admin":
        return (status == 302 and location.startswith("/cms/login/")) or status in (403, 404)
    if rule == "citizen":
        return status == 302 and location.startswith(CITIZEN_LOGIN)
    if rule == "voucher":
        return status in (401, 405)
    if key[0] == "ANON":
        return status == 302 and location.startswith(OPERATOR_LOGIN)
    return status in (404, 405)


def _login(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


def _call(client, method: str, url: str):
    return getattr(client, method)(url, HTTP_ACCEPT="text/html")


# The crawl is long: its roles are split in shards, so parallel test workers (pytest -n) share it.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
@pytest.mark.django_db(databases=["default", "regionale"])
def test_every_role_and_method_on_every_route_without_ids(territory, client, shard):
    routes = [
        (n, r)
        for n, r, p in all_routes()
        if not p.pattern.converters and "(" not in r and "^" not in r  # regular-expression routes: not literal URLs
    ]
    tried, leaks = 0, []
    for key, user in list(_roles(territory).items())[shard::SHARDS]:
        _login(client, user)
        for name, route in routes:
            for method in ("get", "post"):  # the HTML routes; the API's own methods are tried below
                rule = rule_for(name, route, method)
                try:
                    response = _call(client, method, "/" + route)
                except Exception as exc:  # noqa: BLE001 - a 500 is a finding, recorded with the combination
                    if name not in FRAMEWORK_ERRORS:
                        leaks.append((key, name, method, f"500 {exc!r}"[:120]))
                    continue
                finally:
                    tried += 1
                if response.status_code >= 500 and name not in FRAMEWORK_ERRORS:
                    leaks.append((key, name, method, response.status_code))
                elif not _allowed(rule, key, territory) and not _denied_as_expected(rule, key, response):
                    leaks.append((key, name, method, response.status_code, response.get("Location", "")))
                if user is not None and "_auth_user_id" not in client.session:  # a logout route ended the session
                    _login(client, user)
    print(f"authorization crawl (routes without ids), shard {shard}: {tried} combinations, {len(leaks)} leaks")
    assert tried > 5000 // SHARDS
    assert leaks == []


def _every_object(territory) -> dict[str, list]:
    """Each kind of object of the territory, whoever owns it (the union of what is foreign to A1 and to B1)."""
    objects: dict[str, set] = {}
    for ente_key in ("A1", "B1", "AMB_B"):
        user = territory.user(ente_key, "assistente_sociale")
        for kind, values in foreign_objects(territory, ente_key, "assistente_sociale", user).items():
            objects.setdefault(kind, set()).update(values)
    return {kind: sorted(values, key=str) for kind, values in objects.items()}


@pytest.mark.django_db(databases=["default", "regionale"])
def test_anonymous_citizens_and_expired_members_are_kept_out_of_every_object(territory, client):
    roles = _roles(territory)
    objects = _every_object(territory)
    tried, leaks = 0, []
    for key in (("ANON", "anonimo"), ("CIT", "cittadino"), ("ASL", "membro_uvm_scaduto")):
        _login(client, roles[key])
        for name, kind in OBJECT_URLS.items():
            rule = rule_for(name, "", "GET")
            if rule == "public":  # booking codes and tokens: the matrix proves nobody else's booking opens
                continue
            kwarg, _missing = KIND_KWARG.get(kind, ("pk", None))
            for value in objects[kind]:
                url = reverse(name, kwargs={kwarg: value, **EXTRA_KWARGS.get(name, {})})
                for method in ("get", "post"):
                    response = _call(client, method, url)
                    tried += 1
                    if not _denied_as_expected(rule, key, response):
                        leaks.append((key, name, value, method, response.status_code))
    print(f"authorization crawl (objects): {tried} combinations, {len(leaks)} leaks")
    assert tried > 500
    assert leaks == []


# --- websocket ----------------------------------------------------------------------------------------------------


def _ws_allowed(route: str, key: tuple[str, str], target: str, territory) -> bool:
    """The UVM board of ambito A's session: its ambito's operators who see people; the front office of A1: A1's
    operators who manage the agenda. Nobody else, and nobody at all for a session/office that does not exist."""
    ente_key, ruolo = key
    if target == "missing":
        return False
    if route == "ws/scadenze/":  # no object: the operator's own counter, for whoever the policy's capability admits
        return _allowed(WEBSOCKET_POLICY[route], key, territory)
    if route.startswith("ws/uvm/"):
        return ente_key == "AMB_A" and ruolo in {"ufficio_di_piano", "coordinatore_uvm", "assistente_sociale"} | {
            "responsabile"
        }
    return ente_key == "A1" and ruolo in {"segretariato", "responsabile"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "regionale"])
def test_websockets_accept_only_the_users_the_policy_allows(territory):
    from cse.cittadino.agenda import Sportello

    roles = _roles(territory)
    targets = {
        "ws/uvm/<int:pk>/": {"own": territory.sessioni["AMB_A"].pk, "missing": 99_999_999},
        "ws/agenda/<int:sportello_id>/": {
            "own": Sportello.objects.get(ente=territory.enti["A1"]).pk,
            "missing": 99_999_999,
        },
        "ws/scadenze/": {"own": None},
    }
    tried, leaks = 0, []

    async def knock(path: str, user) -> bool:
        communicator, connected, _code = await connect(path, user)
        if connected:
            await communicator.disconnect()
        return connected

    for route in WEBSOCKET_POLICY:
        for target, pk in targets[route].items():
            path = "/" + route.split("<")[0] + ("" if pk is None else f"{pk}/")
            for key, user in roles.items():
                tried += 1
                if async_to_sync(knock)(path, user) != _ws_allowed(route, key, target, territory):
                    leaks.append((route, target, key))
    print(f"authorization crawl (websocket): {tried} combinations, {len(leaks)} leaks")
    assert tried > 100
    assert leaks == []


# --- API: forbidden and not existing look the same ---------------------------------------------------------------


@pytest.mark.django_db
def test_waas_api_answers_a_foreign_ente_exactly_like_a_missing_one(territory, client, settings):
    """A valid voucher for A1's e-service, used on B1's e-service and on an ente code that does not exist: same
    status, same problem+json body (no hint about which enti exist); without a voucher, the same again."""
    from django.core.cache import cache

    from cse.siuss.voucher import LocalIssuer
    from tests.support.siuss import eservice_for

    issuer = LocalIssuer(kid="crawl-key")
    settings.SIUSS_PDND_JWKS = issuer.jwks()
    cache.clear()
    a1 = eservice_for(territory.enti["A1"])
    eservice_for(territory.enti["B1"], codice_siuss="A225", belfiore_sede="A225")

    def voucher() -> dict:  # vouchers are single-use (jti): a fresh one per call
        return {"HTTP_AUTHORIZATION": f"Bearer {issuer.issue(audience=a1.audience, purpose_id='purpose-inps-siuss')}"}

    tried = 0
    for (method, operation), rule in API_POLICY.items():
        name = {"/flussi": "siuss:waas_flussi", "/esiti": "siuss:waas_esiti", "/status": "siuss:waas_status"}[operation]
        answers = {}
        for target in ("B1", "missing"):
            codice = territory.enti["B1"].codice if target == "B1" else "99999999"
            for auth in (voucher(), {}):
                kwargs = {"content_type": "application/json", "data": "[]"} if method == "post" else {}
                response = getattr(client, method)(reverse(name, kwargs={"codice": codice}), **kwargs, **auth)
                tried += 1
                body = response.json() if response["Content-Type"].endswith("json") else response.content
                answers.setdefault(bool(auth), []).append((response.status_code, response["Content-Type"], body))
        for with_voucher, (foreign, missing) in answers.items():
            assert foreign == missing, (operation, with_voucher, foreign, missing)
            if rule == "voucher":
                assert foreign[0] == 401 and foreign[1] == "application/problem+json"
        # and the voucher does open its own ente's e-service, so the comparison above is not vacuous
        own = getattr(client, method)(
            reverse(name, kwargs={"codice": territory.enti["A1"].codice}),
            **({"content_type": "application/json", "data": "[]"} if method == "post" else {}),
            **voucher(),
        )
        assert own.status_code != 401, (operation, own.status_code, own.content[:200])
    print(f"authorization crawl (API): {tried} combinations")
