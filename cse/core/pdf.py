"""PDFs rendered by WeasyPrint from Django templates (simple block/table layout: no nested flex).

Generic rendering with no case data: it lives in core so every tier (case PDFs, UVM verbale,
the citizen's booking receipt) shares it without importing another tier.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
