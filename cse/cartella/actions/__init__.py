"""The one place that changes a case: one module per aggregate (assistito, cartella, fasi, diario, trasferimento,
vigilanza), each action going through the ritual in ritual.py. Views, consumers, API, admin, workers and demo
seeds call these functions; nothing else writes the personal models (docs/architecture.md, "Where writes live")."""
