"""One pager for every long list: the page size, the page asked for, and links that keep the search and the filters.

Every list view calls paginate() and includes templates/core/_pager.html with the page it returns, so the query
string of the current request (search term, state filter, the other lists' pages) survives in the pager links.

A short page costs one query, not two: the rows are read first, and when fewer than a page come back the total is
known without a COUNT (offset + rows). Only a full page, or a page past the end, asks the database for the count."""

from __future__ import annotations

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The requested page of `items` (a bad or out-of-range number gives the nearest page, never an error), with
    `previous_query` / `next_query`: the current query string with only `param` changed."""
    page = _page(Paginator(items, per_page), request.GET.get(param))
    page.previous_query = _with(request, param, page.previous_page_number()) if page.has_previous() else ""
    page.next_query = _with(request, param, page.next_page_number()) if page.has_next() else ""
    return page


def _page(paginator: Paginator, asked) -> Page:
    """get_page(), reading the rows before the count: a short page tells the count by itself."""
    try:
        number = max(int(asked), 1) if asked not in (None, "") else 1
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * paginator.per_page
    rows = page_rows(paginator.object_list, offset, paginator.per_page)
    if 0 < len(rows) < paginator.per_page or (number == 1 and not rows):
        paginator.__dict__["count"] = offset + len(rows)  # cached_property: the COUNT it saves
        return Page(rows, number, paginator)
    if rows:
        paginator.validate_number(number)  # a full page: the count is still needed for "Pagina n di m"
        return Page(rows, number, paginator)
    try:  # past the end: the nearest page, as get_page() does
        return paginator.page(number)
    except InvalidPage:
        return paginator.page(paginator.num_pages)


def page_rows(items, offset: int, size: int) -> list:
    """The rows of one page. A sorted queryset's page is found first among its own rows (ids only, sorted, limited:
    a subquery) and only those rows are then joined to what the list shows (select_related): PostgreSQL otherwise
    joins every visible row — 7,500 cases to 100,000 people — before sorting them to keep 25."""
    if isinstance(items, QuerySet) and items.ordered and not items.query.distinct and not items.query.combinator:
        return list(items.filter(pk__in=items.values("pk")[offset : offset + size]))
    return list(items[offset : offset + size])


def paginate_together(request: HttpRequest, lists: dict, *, per_page: int = PAGE_SIZE, prefix: str = "pagina_"):
    """Several lists on one page (the worklists), each paged on its own `prefix + name`: their totals come from ONE
    query (a SELECT of one COUNT subquery per list) and an empty list reads no rows, so the page's cost is one query
    plus one per non-empty list, whatever the lists hold."""
    counts = count_together(list(lists.values()))
    pages = {}
    for (name, items), count in zip(lists.items(), counts, strict=True):
        paginator = Paginator(items, per_page)
        paginator.__dict__["count"] = count  # cached_property: the COUNT already made
        param = prefix + name
        page = Page([], 1, paginator) if count == 0 else _page(paginator, request.GET.get(param))
        page.previous_query = _with(request, param, page.previous_page_number()) if page.has_previous() else ""
        page.next_query = _with(request, param, page.next_page_number()) if page.has_next() else ""
        pages[name] = page
    return pages


def count_together(querysets: list) -> list[int]:
    """The counts of several querysets of the same database in one round trip (each keeps its own plan)."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    parts, params, totals = [], [], []
    for qs in querysets:
        inner = qs.order_by().values("pk")
        inner = inner.distinct() if qs.query.distinct else inner
        try:
            sql, inner_params = inner.query.sql_with_params()
        except EmptyResultSet:
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(parts)})")  # noqa: S608 - compiled by the ORM
        params.extend(inner_params)
    if not parts:
        return totals
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return [int(n) for n in cursor.fetchone()]


def _with(request: HttpRequest, param: str, number: int) -> str:
    kept = request.GET.copy()
    kept[param] = str(number)
    return kept.urlencode()
