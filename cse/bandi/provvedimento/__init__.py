"""Provvedimento (decision) on a bando: drafting, four-eyes approval, PDF, protocol, outcomes and riesame."""
