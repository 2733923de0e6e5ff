"""Italian formats of the product (FORMAT_MODULE_PATH): one numeric date format, dd/mm/yyyy, wherever Django renders
a date without an explicit format ({{ value }}, |date, forms). Django's own `it` locale writes "7 dicembre 2026"."""

DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
