"""The citizen portal with one section per ente given: what the public pages and the editors work on."""

from __future__ import annotations


def portal_for(*enti) -> None:
    from cse.cittadino.cms import portale_ensure, sezione_ensure

    portale_ensure()
    for ente in enti:
        sezione_ensure(ente=ente)


def servizio_page(ente, sportello, title: str = "Assistenza domiciliare"):
    """A published service page in `ente`'s section of the portal, booked at `sportello`."""
    from cse.cittadino.cms import sezione_ensure
    from cse.cittadino.pages.servizio import ServizioPage

    portal_for(ente)
    servizio = ServizioPage(
        title=title,
        cosa_e="<p>Aiuto a casa</p>",
        destinatari="<p>Anziani</p>",
        come_accedere="<p>Su appuntamento</p>",
        sportello=sportello,
        argomento="non_autosufficienza",
    )
    sezione_ensure(ente=ente).add_child(instance=servizio)
    return servizio


def use_oidc_simulator(settings, sim) -> None:
    """Point the portal's SPID/CIE login (OpenID Connect) at the running simulator `sim`."""
    settings.CSE_CITIZEN_LOGIN = "oidc"
    settings.CSE_OIDC_ISSUER = sim.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = sim.issuer + "/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = sim.issuer + "/token"
    settings.OIDC_OP_USER_ENDPOINT = sim.issuer + "/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = sim.issuer + "/.well-known/jwks.json"
    settings.CSE_OIDC_END_SESSION_ENDPOINT = sim.issuer + "/logout"
    settings.OIDC_RP_CLIENT_ID = sim.client_id
    settings.OIDC_RP_CLIENT_SECRET = sim.client_secret
