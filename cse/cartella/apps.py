from django.apps import AppConfig


class CartellaConfig(AppConfig):
    name = "cse.cartella"
    label = "cartella"
    verbose_name = "Cartella sociale"
