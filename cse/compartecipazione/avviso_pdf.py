"""The notice PDF (rendered by WeasyPrint through cse/core/pdf.py) with the pagoPA QR code, whose text is the one of
the pagoPA «Avviso di pagamento» specification: PAGOPA|002|<numero avviso>|<codice fiscale ente>|<importo in cent>."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.http import HttpResponse

from cse.core.pagamenti import in_centesimi
from cse.core.pdf import render_pdf

from .models import Avviso


def qr_testo(avviso: Avviso) -> str:
    return f"PAGOPA|002|{avviso.codice_avviso}|{avviso.ente_codice_fiscale}|{in_centesimi(avviso.importo):d}"


def _qr_data_uri(text: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def avviso_pdf_response(avviso: Avviso, *, request=None) -> HttpResponse:
    comp = avviso.compartecipazione
    context = {"avviso": avviso, "comp": comp, "persona": comp.assistito, "qr": _qr_data_uri(qr_testo(avviso))}
    pdf = render_pdf("compartecipazione/avviso_pdf.html", context, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="avviso-{avviso.codice_avviso}.pdf"'
    return response
