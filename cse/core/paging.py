"""One pager for every long list: the page size, the page asked for, and links that keep the search and the filters.

Every list view calls paginate() and includes templates/core/_pager.html with the page it returns, so the query
string of the current request (search term, state filter, the other lists' pages) survives in the pager links."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(request: HttpRequest, items, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The requested page of `items` (a bad or out-of-range number gives the nearest page, never an error), with
    `previous_query` / `next_query`: the current query string with only `param` changed."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    page.previous_query = _with(request, param, page.previous_page_number()) if page.has_previous() else ""
    page.next_query = _with(request, param, page.next_page_number()) if page.has_next() else ""
    return page


def _with(request: HttpRequest, param: str, number: int) -> str:
    kept = request.GET.copy()
    kept[param] = str(number)
    return kept.urlencode()
