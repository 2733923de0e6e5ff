"""Keeps the regional tier on its own database alias, so no regional query can join identifiable data."""

from __future__ import annotations

REGIONALE_APPS = {"regionale"}
REGIONALE_DB = "regionale"


class RegionaleRouter:
    def db_for_read(self, model, **hints):
        return REGIONALE_DB if model._meta.app_label in REGIONALE_APPS else "default"

    def db_for_write(self, model, **hints):
        return self.db_for_read(model, **hints)

    def allow_relation(self, obj1, obj2, **hints):
        return (obj1._meta.app_label in REGIONALE_APPS) == (obj2._meta.app_label in REGIONALE_APPS)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return (app_label in REGIONALE_APPS) == (db == REGIONALE_DB)
