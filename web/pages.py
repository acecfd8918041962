"""The Arabic search page, article pages and the OpenSearch description.

Everything a page shows lives in its URL, so every state can be linked,
bookmarked and reached without JavaScript.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request, url_for

from search.query import QueryError
from web import searcher
from web.params import ParamError, SearchRequest, parse_prefix, parse_search

bp = Blueprint("pages", __name__)

MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
          "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")


@bp.app_template_filter("arabic_date")
def arabic_date(value: datetime | None) -> str:
    """14 سبتمبر 2022: month names as Arabic news sites write them."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _page_numbers(current: int, last: int, width: int = 2) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: None stands for a gap."""
    shown = {1, last, *range(max(1, current - width), min(last, current + width) + 1)}
    out: list[int | None] = []
    previous = 0
    for n in sorted(shown):
        if n - previous > 1:
            out.append(None)
        out.append(n)
        previous = n
    return out


def typed_only(query: str, spellings: dict[str, list[str]]) -> str:
    """The query with each word that was searched in several spellings put
    in quotes, which searches the spelling typed only."""
    words = query.split(" ")
    return " ".join(f'"{w}"' if w in spellings else w for w in words)


@bp.get("/")
@bp.get("/search")
def search() -> Response | tuple[str, int] | str:
    try:
        req = parse_search(request.args)
    except ParamError as bad:
        return render_template("search.html", req=SearchRequest(q=request.args.get("q", "")[:500]),
                               results=None, error=bad.arabic), 400
    if not req.q:
        return render_template("search.html", req=req, results=None, error=None)
    try:
        results = searcher().search(req.q, req.page, req.per_page, req.sort, req.filters)
    except QueryError as bad:
        return render_template("search.html", req=req, results=None,
                               error=bad.arabic or "تعذر فهم نص البحث. جرّب كلمات أخرى."), 400

    def link(**changes: object) -> str:
        # "from" is a Python keyword: templates say date_from / date_to.
        for alias, name in (("date_from", "from"), ("date_to", "to")):
            if alias in changes:
                changes[name] = changes.pop(alias)
        return url_for("pages.search", **req.args(**changes))

    return render_template(
        "search.html",
        req=req,
        results=results,
        error=None,
        link=link,
        typed_only=typed_only(req.q, results.spellings),
        page_numbers=_page_numbers(req.page, results.pages),
        first_rank=(req.page - 1) * req.per_page + 1,
    )


@bp.get("/article/<path:doc_id>")
def article(doc_id: str) -> str:
    try:
        q = parse_prefix(request.args).strip()
    except ParamError:
        q = ""
    view = searcher().article(doc_id, highlight=q)
    if view is None:
        abort(404)
    return render_template("article.html", article=view, q=q,
                           paragraphs=[p for p in view.body_html.split("\n") if p.strip()])


@bp.get("/opensearch.xml")
def opensearch() -> Response:
    """Lets a browser add Akhbar as a search engine."""
    body = render_template("opensearch.xml", name=current_app.config["SITE_NAME"])
    response = make_response(body)
    response.mimetype = "application/opensearchdescription+xml"
    return response
