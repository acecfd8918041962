"""The JSON API under /api: the same searcher, the one serializer
(search.serialize), and JSON errors for everything, never an HTML page."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template, request, stream_with_context
from werkzeug.exceptions import HTTPException, InternalServerError

from search.cluster.coordinator import ShardUnavailable
from search.query import QueryError
from search.serialize import article_to_dict, results_to_dict
from web import searcher
from web.feeds import EXPORT_LIMIT, csv_lines
from web.openapi import document
from web.params import ParamError, parse_prefix, parse_search

bp = Blueprint("api", __name__)

SUGGEST_LIMIT = 8


def error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.get("/search")
def search() -> Response | tuple[Response, int]:
    """Ranked results as results_to_dict, exactly what `akhbar search --json` prints."""
    try:
        req = parse_search(request.args)
        results = searcher().search(req.q, req.page, req.per_page, req.sort, req.filters,
                                    collapse=req.collapse, interval=req.interval or None)
    except ParamError as bad:
        return error(400, "bad_parameter", bad.message)
    except QueryError as bad:
        return error(400, "bad_query", str(bad))
    return jsonify(results_to_dict(results))


@bp.get("/search.csv")
def search_csv() -> Response | tuple[Response, int]:
    """Up to EXPORT_LIMIT results in the pages' order (each story's best
    article, then its copies), streamed as CSV for a spreadsheet."""
    try:
        req = parse_search(request.args)
        rows = searcher().export(req.q, req.sort, req.filters, limit=EXPORT_LIMIT, collapse=req.collapse) \
            if req.q else iter(())
    except ParamError as bad:
        return error(400, "bad_parameter", bad.message)
    except QueryError as bad:
        return error(400, "bad_query", str(bad))
    response = Response(stream_with_context(csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="akhbar-search.csv"'
    return response


@bp.get("/articles/<path:doc_id>")
def article(doc_id: str) -> Response | tuple[Response, int]:
    try:
        highlight = parse_prefix(request.args)
    except ParamError as bad:
        return error(400, "bad_parameter", bad.message)
    try:
        view = searcher().article(doc_id, highlight=highlight)
    except ShardUnavailable as down:
        return error(503, "shard_unavailable", f"{down}; try again later")
    if view is None:
        return error(404, "not_found", f"there is no article with id {doc_id[:100]!r}")
    return jsonify(article_to_dict(view))


@bp.get("/suggest")
def suggest() -> Response | tuple[Response, int]:
    """Completions of the last word typed, commonest first, for suggest-as-you-type."""
    try:
        prefix = parse_prefix(request.args)
        completions = searcher().complete(prefix, limit=SUGGEST_LIMIT)
    except ParamError as bad:
        return error(400, "bad_parameter", bad.message)
    except QueryError as bad:
        return error(400, "bad_query", str(bad))
    return jsonify({"query": prefix, "suggestions": completions})


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(document())


_CODES = {404: "not_found", 405: "method_not_allowed", 500: "internal_error", 503: "unavailable"}

_ARABIC = {
    404: "لم نجد هذه الصفحة.",
    405: "هذه الطريقة غير مسموح بها هنا.",
    500: "حدث خطأ في الخادم. حاول مرة أخرى بعد قليل.",
    503: "جزء من الأرشيف غير متاح الآن. حاول مرة أخرى بعد قليل.",
}


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    """JSON errors under /api, Arabic pages elsewhere, for every HTTP error;
    anything unexpected is logged with its traceback and answered with a
    plain 500 that shows none of it."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        if _is_api(request.path):
            code = _CODES.get(status, "http_%d" % status)
            response, status = error(status, code, exc.description or exc.name)
        else:
            message = _ARABIC.get(status, "تعذر إتمام الطلب.")
            try:
                response = app.make_response((render_template("error.html", message=message, status=status), status))
            except Exception:  # the error page itself failed: a plain message still goes out
                app.logger.exception("error page %d failed to render on %s", status, request.path)
                response = app.make_response((message, status, {"Content-Type": "text/plain; charset=utf-8"}))
        if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response, status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error on %s %s", request.method, request.path)
        return http_error(InternalServerError(description="The server could not complete the request."))
