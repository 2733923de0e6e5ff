"""The project's routes as the URL resolver lists them, the query parameters each view reads, and a small crawler
that finds one real URL per route (with ids of objects the visitor may see) by following the links of the pages."""

from __future__ import annotations

import inspect
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

WAGTAIL_PREFIXES = ("cms/", "documenti-cms/")
AREA_PREFIXES = ("/operatore/", "/locale/", "/ambito/", "/regionale/", "/siuss/", "/cittadino/")
_READS = re.compile(r"""GET(?:\.get|\.getlist)?[(\[]\s*["']([A-Za-z_][\w-]*)["']""")
_HREF = re.compile(r"""href="(/[^"#?\s]*)""")


def walk(patterns=None, namespace: str = "", *, named_only: bool = True) -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) of every route but Wagtail's own admin and document serving; with named_only=False
    an unnamed route comes as "<namespace>:None", so a rule keyed by name cannot silently miss it."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver) and str(p.pattern) in WAGTAIL_PREFIXES:
            continue
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, ns, named_only=named_only)
        elif isinstance(p, URLPattern) and (p.name or not named_only):
            yield f"{namespace}{p.name}", p


def _source(obj) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return ""


def query_names_read_by(view, *, whole_module: bool = True) -> set[str]:
    """Names of the query parameters the view (and, by default, the helpers of its module) read from request.GET."""
    func = inspect.unwrap(getattr(view, "view_class", view))
    target = inspect.getmodule(func) if whole_module else func
    return set(_READS.findall(_source(target)))


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass
class Form:
    """A POST form of a page: where it posts and its fields with the values the page filled in."""

    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._current = page, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._current = Form(action=a.get("action") or self.page)
            self.forms.append(self._current)
        elif tag in ("input", "select", "textarea") and self._current is not None and a.get("name"):
            if a.get("type") in ("submit", "button", "file"):
                return
            self._current.fields.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(html: str, page: str) -> list[Form]:
    """The POST forms of a page (actions relative to the page resolved to its own path)."""
    parser = _FormParser(page)
    parser.feed(html)
    return [f for f in parser.forms if f.action.startswith("/")]


def crawl(client, start: list[str], *, skip: set[str], limit: int = 200, forms: list | None = None) -> dict[str, str]:
    """One URL per route name reachable from `start` through the links of the area pages (breadth first); the POST
    forms of the pages visited are appended to `forms` when given."""
    found: dict[str, str] = {}
    tries: dict[str, int] = {}
    queue, seen = deque(start), set(start)
    while queue and len(found) < limit:
        path = queue.popleft()
        name = route_of(path)
        if name is None or name in found or name in skip or tries.get(name, 0) >= 3:
            continue
        tries[name] = tries.get(name, 0) + 1
        response = client.get(path)
        if response.status_code >= 400:  # not this visitor's object: another link of the same route may be
            continue
        found[name] = path  # a redirect too (the demo's citizen login): its parameters are read all the same
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode(errors="replace")
        if forms is not None:
            forms.extend(post_forms(html, path))
        for link in _HREF.findall(html):
            if link.startswith(AREA_PREFIXES) and link not in seen:
                seen.add(link)
                queue.append(link)
    return found
