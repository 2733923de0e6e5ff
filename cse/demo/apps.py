from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "cse.demo"
    label = "demo"
    verbose_name = "Dati sintetici dimostrativi"
