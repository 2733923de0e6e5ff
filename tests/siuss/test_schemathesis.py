"""schemathesis against the official api-comuni.yaml, on a live test server (real HTTP, real voucher checks).

Each generated request carries a fresh PDND voucher from the local issuer (vouchers are single-use); schemathesis
checks no server errors, status codes, content types, headers and bodies against the YAML, that schema-invalid input
is rejected, and (ignored_auth) that calls without a voucher are refused."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings

from cse.cartella.fasi import VoceNomenclatore
from cse.siuss.glossary import SPECS_DIR
from cse.siuss.services import flussi_expose, flussi_prepare
from cse.siuss.voucher import LocalIssuer

from .conftest import add_isee, dati, eservice_for, prestazione, take_in_charge, with_residence


def _contract() -> dict:
    """The official YAML, plus the answers it defines in components but does not list on the paths: 401 (the path
    declares PDND security, so a missing or bad voucher must be refused) and 429 (rate limit, Guida-Comuni §5)."""
    spec = yaml.safe_load((SPECS_DIR / "api-comuni.yaml").read_text(encoding="utf-8"))
    for path, method in (("/flussi", "get"), ("/esiti", "post")):
        responses = spec["paths"][path][method]["responses"]
        responses.setdefault("401", {"$ref": "#/components/responses/401Unauthorized"})
        responses.setdefault("429", {"$ref": "#/components/responses/429TooManyRequests"})
    return spec


schema = schemathesis.openapi.from_dict(_contract())
ISSUER = LocalIssuer(kid="schemathesis")


@pytest.fixture
def waas_server(live_server, django_db_setup, django_db_blocker, settings):
    settings.SIUSS_PDND_JWKS = ISSUER.jwks()
    from tests.factories import build_world

    with django_db_blocker.unblock():
        if not VoceNomenclatore.objects.exists():  # a transactional test before this one flushed the seed rows
            import importlib

            from django.apps import apps

            importlib.import_module("cse.cartella.migrations.0002_seed_nomenclatore").seed(apps, None)
        world = build_world()
        eservice = eservice_for(world.enti["A1"], rate_limit_per_minute=100_000)
        person = with_residence(world.assistiti["A1"])
        add_isee(person)
        take_in_charge(world.cartelle["A1"])
        for i in range(3):
            dati(prestazione(world.cartelle["A1"], importo=f"{50 + i}.00"))
        flussi_prepare(ente=world.enti["A1"], today=date(2026, 11, 20))
        flussi_expose(ente=world.enti["A1"])
    return f"{live_server.url}/siuss/waas/{eservice.ente.codice}", eservice


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_api_comuni_yaml(case, waas_server):
    base_url, eservice = waas_server
    token = ISSUER.issue(audience=eservice.audience, purpose_id=eservice.purpose_ids[0])
    case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
