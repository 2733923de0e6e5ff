from django.apps import AppConfig


class LocaleConfig(AppConfig):
    # label avoids clashing with Django's notion of "locale" folders (see conventions.md).
    name = "cse.locale"
    label = "cse_locale"
    verbose_name = "CSE locale (comune)"
