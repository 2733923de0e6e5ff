from django.apps import AppConfig


class BandiConfig(AppConfig):
    name = "cse.bandi"
    label = "bandi"
    verbose_name = "Bandi e contributi"
