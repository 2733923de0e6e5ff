"""Liquidazione of a bando's contributi: the payment plan of each beneficiary (IBAN, instalments), the mandato that
pays an instalment (and the SIUSS prestazione it becomes in the beneficiary's cartella), the revocation act.

rules.py computes (who may be paid, the instalments), workflow.py is the instalment's state machine, actions.py
writes, selectors.py reads (the pages, and the budget figures the ambito tier adds to its piano di zona lines)."""
