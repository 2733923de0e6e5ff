from django.apps import AppConfig


class RegionaleConfig(AppConfig):
    name = "cse.regionale"
    label = "regionale"
    verbose_name = "CSE regionale"
