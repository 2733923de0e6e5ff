"""Local simulators of every external system: small WSGI apps with the published request/response shapes and
their error answers, chosen by a magic codice fiscale or by the `X-Simulatore-Scenario` header."""
