from django.apps import AppConfig


class AmbitoConfig(AppConfig):
    name = "cse.ambito"
    label = "ambito"
    verbose_name = "CSE ambito (Ufficio di Piano)"
