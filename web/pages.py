"""The Arabic search page, article pages and the OpenSearch description.

Everything a page shows lives in its URL, so every state can be linked,
bookmarked and reached without JavaScript.
"""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request, url_for

from search.cluster.coordinator import ShardUnavailable
from search.query import QueryError
from search.results import SearchResults
from search.timeline import Period
from web import searcher
from web.api import error
from web.chart import MONTHS, articles, counted, period_label, timeline_svg
from web.feeds import FEED_ENTRIES, atom
from web.labels import category_label, source_label
from web.params import ParamError, SearchRequest, parse_prefix, parse_search

bp = Blueprint("pages", __name__)
bp.add_app_template_filter(source_label, "source_label")
bp.add_app_template_filter(category_label, "category_label")
bp.add_app_template_filter(articles, "articles")
bp.add_app_template_global(source_label, "source_label")
bp.add_app_template_global(category_label, "category_label")
bp.add_app_template_global(period_label, "period_label")


def other_sources(count: int) -> str:
    """"and N other sources carried this story", as Arabic counts them."""
    return "ونقل هذا الخبر " + counted(count, "مصدر آخر", "مصدران آخران", "مصادر أخرى", "مصدرا آخر")


bp.add_app_template_filter(other_sources, "other_sources")


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
        results = searcher().search(req.q, req.page, req.per_page, req.sort, req.filters,
                                    collapse=req.collapse, interval=req.interval or None)
    except QueryError as bad:
        return render_template("search.html", req=req, results=None,
                               error=bad.arabic or "تعذر فهم نص البحث. جرّب كلمات أخرى."), 400

    def link(**changes: object) -> str:
        # "from" is a Python keyword: templates say date_from / date_to.
        for alias, name in (("date_from", "from"), ("date_to", "to")):
            if alias in changes:
                changes[name] = changes.pop(alias)
        return url_for("pages.search", **req.args(**changes))

    def period_link(period: Period) -> str:
        """The search within a period of the timeline (and within the dates
        already chosen), the timeline's period chosen anew."""
        start = max(period.start, req.date_from) if req.date_from else period.start
        end = min(period.end, req.date_to) if req.date_to else period.end
        return link(date_from=start.isoformat(), date_to=end.isoformat(), page=1, interval="")

    return render_template(
        "search.html",
        req=req,
        results=results,
        error=None,
        link=link,
        typed_only=typed_only(req.q, results.spellings),
        chart=timeline_svg(results.timeline, period_link),
        feed_url=url_for("pages.search_atom", **req.args(page=1, sort="date", per_page="")),
        csv_url=url_for("api.search_csv", **req.args(page=1, per_page="")),
        page_numbers=_page_numbers(req.page, results.pages),
        first_rank=(req.page - 1) * req.per_page + 1,
    )


@bp.get("/article/<path:doc_id>")
def article(doc_id: str) -> str:
    try:
        q = parse_prefix(request.args).strip()
    except ParamError:
        q = ""
    try:
        view = searcher().article(doc_id, highlight=q)
    except ShardUnavailable:
        abort(503)
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


@bp.get("/search.atom")
def search_atom() -> Response | tuple[Response, int]:
    """The newest articles of a search as an Atom 1.0 feed: a news alert a
    feed reader polls.  The page's parameters; newest first whatever
    ``sort`` says; FEED_ENTRIES entries unless ``per_page`` says."""
    try:
        req = parse_search(request.args)
        per_page = req.per_page if request.args.get("per_page") else FEED_ENTRIES
        results = searcher().search(req.q, 1, per_page, "date", req.filters, collapse=req.collapse) \
            if req.q else None
    except ParamError as bad:
        return error(400, "bad_parameter", bad.message)
    except QueryError as bad:
        return error(400, "bad_query", str(bad))
    if results is None:
        results = SearchResults(req.q, 0, 1, per_page, [], {}, None, 0.0)
    name = current_app.config["SITE_NAME"]
    body = atom(
        results,
        title=f"{req.q} - {name}" if req.q else name,
        self_url=url_for("pages.search_atom", _external=True, **req.args()),
        page_url=url_for("pages.search", _external=True, **req.args(page=1, sort="date", per_page="")),
        article_url=lambda doc_id: url_for("pages.article", doc_id=doc_id, _external=True),
        now=datetime.now(timezone.utc),
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return response
