"""JSON bodies: too deep, too large or not JSON raise JsonBodyError (a 400 for the caller), never RecursionError."""

from __future__ import annotations

import pytest

from cse.core.jsonbody import JsonBodyError, nesting_depth, parse_json_body


@pytest.mark.parametrize("depth", [33, 2_000, 200_000])
def test_a_body_nested_too_deep_is_refused(depth):
    with pytest.raises(JsonBodyError, match="livelli di annidamento"):
        parse_json_body(b"[" * depth + b"]" * depth)


def test_objects_count_as_levels_and_brackets_in_strings_do_not():
    assert nesting_depth({"a": [{"b": "[[[[[["}]}) == 3
    assert parse_json_body(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == {"a": "[" * 38}
    assert parse_json_body(b"[" * 32 + b"]" * 32) is not None


def test_too_large_or_not_json_is_refused():
    with pytest.raises(JsonBodyError, match="dimensione massima"):
        parse_json_body(b" " * 11, max_bytes=10)
    for body in (b"{", b"\xff\xfe", b"[1,]"):
        with pytest.raises(JsonBodyError, match="non è JSON valido"):
            parse_json_body(body)
    assert parse_json_body(b"") is None
