"""Compartecipazione: the user's share of the cost of a service with a tariff (ISEE bands, monthly charge from the
hours delivered, pagoPA notices, reconciliation of the receipts, arrears)."""
