"""Validation of every produced flow against the official INPS XSDs (copied verbatim in cse/siuss/specs/)."""

from __future__ import annotations

from functools import cache

from lxml import etree

from .glossary import PS_XSD, SINBA_XSD, TipoFlusso


@cache
def schema_for(tipo: str) -> etree.XMLSchema:
    path = PS_XSD if tipo == TipoFlusso.PS_PSA_SINA else SINBA_XSD
    return etree.XMLSchema(etree.parse(str(path)))


def xsd_errors(xml: bytes, tipo: str) -> list[str]:
    """Empty when the XML is valid for its flow type; otherwise the schema's messages (line: message)."""
    try:
        document = etree.fromstring(xml)
    except etree.XMLSyntaxError as exc:
        return [f"XML non ben formato: {exc}"]
    schema = schema_for(tipo)
    if schema.validate(document):
        return []
    return [f"riga {e.line}: {e.message}" for e in schema.error_log]


def tree_errors(root: etree._Element, xml: bytes, tipo: str) -> list[str]:
    """`xsd_errors` for a flow built in memory: the tree is validated as it is (no parse of its bytes); only a
    failing flow is parsed again, so its messages carry the line numbers of the XML that would have been sent."""
    schema = schema_for(tipo)
    if schema.validate(root):
        return []
    in_memory = [e.message for e in schema.error_log]
    return xsd_errors(xml, tipo) or in_memory
