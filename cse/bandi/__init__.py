"""Bandi, domande, istruttoria e graduatoria (issue 21, items 1–4): the layer between the case domain and the tiers.

Rules are data (rules.py, pure); every write is an action (actions.py) in one transaction with history and an outbox
event; the workflows use the one state machine primitive (cse/core/fsm.py) in workflow.py."""
