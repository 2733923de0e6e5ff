"""JSON request bodies with limits: Python's json module recurses once per nesting level, so a body of ten thousand
'[' raises RecursionError (a 500 when nobody catches it), and a structure just below the interpreter's limit breaks
the next recursive walk over it. The body is refused when too large, not JSON, or nested deeper than any real
payload; the depth is measured without recursion."""

from __future__ import annotations

import json

MAX_DEPTH = 32
MAX_BYTES = 1_000_000


class JsonBodyError(ValueError):
    """A body refused before or while parsing; str(exc) is the Italian message for the caller."""


def nesting_depth(value: object) -> int:
    """Deepest level of lists/dicts in a decoded value (a scalar is 0), walked with an explicit stack."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            current = list(current.values())
        if isinstance(current, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in current)
    return deepest


def parse_json_body(body: bytes, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> object:
    """The decoded body, or JsonBodyError when it is too large, not JSON or too deep."""
    if len(body) > max_bytes:
        raise JsonBodyError(f"Il corpo supera la dimensione massima di {max_bytes} byte.")
    try:
        data = json.loads(body or b"null")
    except RecursionError as exc:
        raise JsonBodyError(f"Il corpo JSON supera i {max_depth} livelli di annidamento.") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonBodyError("Il corpo non è JSON valido.") from exc
    if nesting_depth(data) > max_depth:
        raise JsonBodyError(f"Il corpo JSON supera i {max_depth} livelli di annidamento.")
    return data
