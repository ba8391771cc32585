"""The web UI: server-rendered pages (Jinja templates) over the same engine calls as the JSON API.

Signing in stores the API token in an HttpOnly, SameSite=Strict cookie, which the token middleware reads
like a bearer header; SameSite=Strict is what keeps other sites from posting the forms with it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromQuery, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from api.http.auth import PUBLIC, TOKEN_COOKIE, permission
from api.http.config import LakeDep
from api.http.routes.models import REF
from engine.errors import UsageError
from engine.search.pages import DEFAULT_PAGE, MAX_PAGE
from engine.tokens import authenticate

@dataclass
class LoginForm:
    token: str
    next: str = "/ui"


@dataclass
class DecisionForm:
    ref: str
    decision: str
    comment: str
    next: str = "/ui/reviews"  # the page to return to (the review page sends itself)


@dataclass
class ChatForm:
    question: str = ""
    conversation_id: str = ""
    query: str = ""  # a Remove button's edited structured query, as JSON (instead of a question)
    said: str = ""  # what that turn records as asked: "removed: license = mit"


def page(name: str, request: Request, **context: Any) -> Template:
    return Template(name, context={"user": request.scope.get("user"), **context})


def link_maker(path: str, kept: dict[str, Any]):
    """url(**changes): `path` with the page's kept parameters (filters, page size) changed; None drops a parameter."""
    def url(**changes: Any) -> str:
        params = {key: value for key, value in (kept | changes).items() if value is not None}
        return f"{path}?{urlencode(params)}" if params else path

    return url


@get("/", opt=permission(PUBLIC), include_in_schema=False)
async def home() -> Redirect:
    return Redirect("/ui")


@get("/login", opt=permission(PUBLIC))
async def login_page(request: Request, next: FromQuery[str] = "/ui") -> Template:
    return page("login.html", request, next=next, error=None)


@post("/login", opt=permission(PUBLIC), sync_to_thread=True)
def login(request: Request, data: URLEncodedBody[LoginForm], lake: LakeDep) -> Template | Redirect:
    if authenticate(lake, data.token.strip()) is None:
        return page("login.html", request, next=data.next, error="unknown or revoked token")
    target = data.next if data.next.startswith("/ui") else "/ui"
    response = Redirect(target)
    response.set_cookie(TOKEN_COOKIE, data.token.strip(), httponly=True, samesite="strict", path="/")
    return response


@post("/logout", opt=permission(PUBLIC))  # only clears the cookie
async def logout() -> Redirect:
    response = Redirect("/ui/login")
    response.delete_cookie(TOKEN_COOKIE, path="/")
    return response


PAGE_SIZE = QueryParameter(ge=1, le=MAX_PAGE)


@get("/", opt=permission("read"), sync_to_thread=True)
def catalog(request: Request, lake: LakeDep, q: FromQuery[str | None] = None, status: FromQuery[str | None] = None,
            task: FromQuery[str | None] = None, domain: FromQuery[str | None] = None, license: FromQuery[str | None] = None,
            owner: FromQuery[str | None] = None, after: FromQuery[str | None] = None, before: FromQuery[str | None] = None,
            limit: Annotated[int, PAGE_SIZE] = DEFAULT_PAGE) -> Template | Redirect:
    """Catalog, one page at a time, with facet counts under the chosen filters; the search box runs a semantic search
    under the same filters, and its FIELD:VALUE words become filters (chips) by a redirect to the page that has them."""
    from engine.catalog import CATALOG_FILTERS, catalog_page, split_filters

    chosen = {"status": status, "task": task, "domain": domain, "license": license, "owner": owner}
    words, typed = split_filters(q or "")
    kept = {key: value for key, value in (chosen | typed).items() if value} | ({"limit": limit} if limit != DEFAULT_PAGE else {})
    url = link_maker("/ui", ({"q": words} if words else {}) | kept)
    if typed:  # the filters go into the address, where a chip can take one out again
        return Redirect(url(), status_code=303)
    listing = catalog_page(lake, filters=chosen, after=after, before=before, limit=limit)
    found = None
    if words:
        from engine.search import search

        filters = [{"field": key, "op": "eq", "value": value} for key, value in chosen.items() if value]
        with lake.transaction() as session:
            found = search(session, {"text": words, "filters": filters, "limit": 20}).to_dict()
    chips = [(key, value) for key, value in chosen.items() if value]
    return page("catalog.html", request, listing=listing, chosen=chosen, chips=chips, url=url, q=words, found=found, filters=CATALOG_FILTERS)


@get("/models/{ref:path}", opt=permission("read"), sync_to_thread=True)
def model_page(request: Request, ref: Annotated[Path, REF], lake: LakeDep) -> Template:
    """The review page: what failed first (claimed against observed), what was not checked and what would settle it,
    the decision beside it, then lineage, facts and the card with numbered lines the findings link to."""
    from api.http import review_view as view
    from api.http.lineage_svg import lineage_svg
    from engine.catalog import version_detail
    from engine.governance.stored_reviews import version_review
    from engine.lineage import lineage_graph

    detail = version_detail(str(ref).lstrip("/"), lake)
    review, meta = version_review(lake, f"{detail['name']}@{detail['version']}")
    with lake.transaction() as session:
        graph = lineage_graph(session, meta["ref"])
    roots = view.path_roots(detail["source"], detail["card"])
    card_text = detail.pop("card_text")  # shown as the submitter wrote it
    detail, review = view.shown_paths(detail, roots), view.shown_paths(review.to_dict(), roots)
    groups, settled = view.grouped_findings(review)
    return page("model.html", request, detail=detail, review=review, meta=meta, groups=groups, settled=settled,
                card_file=detail["source"], card_lines=view.card_lines(card_text, view.cited_lines(review)),
                compare=view.compare_targets(meta["ref"], detail["versions"], detail["name"], graph),
                refusal=view.decision_refusal(request.user, meta["submitted_by"]), lineage_svg=lineage_svg(graph))


@get("/diff", opt=permission("read"), sync_to_thread=True)
def diff_page(request: Request, lake: LakeDep, a: FromQuery[str], b: FromQuery[str]) -> Template:
    """What changed from lake version A to B (the same diff as GET /diff and `modellake diff`; lake references only)."""
    from api.http.review_view import shown_paths
    from engine.lineage.diff import diff_models, lake_side

    return page("diff.html", request, diff=shown_paths(diff_models(lake_side(a, lake), lake_side(b, lake)), ()))


@get("/reviews", opt=permission("read"), sync_to_thread=True)
def review_queue_page(request: Request, lake: LakeDep, verdict: FromQuery[str | None] = None, after: FromQuery[str | None] = None,
                      before: FromQuery[str | None] = None, limit: Annotated[int, PAGE_SIZE] = DEFAULT_PAGE) -> Template:
    """The queue, each version with its verdict's reasons and, for a reviewer, a decision form, or why there is none."""
    from api.http.review_view import decision_refusal
    from engine.governance.stored_reviews import review_queue

    queue = review_queue(lake, verdict=verdict, after=after, before=before, limit=limit)
    kept = ({"verdict": verdict} if verdict else {}) | ({"limit": limit} if limit != DEFAULT_PAGE else {})
    refusals = {item["ref"]: decision_refusal(request.user, item["submitted_by"]) for item in queue["items"]}
    return page("reviews.html", request, queue=queue, verdict=verdict, url=link_maker("/ui/reviews", kept), refusals=refusals)


@post("/decisions", opt=permission("decide"), sync_to_thread=True)
def decide_from_form(request: Request, data: URLEncodedBody[DecisionForm], lake: LakeDep) -> Redirect:
    from engine.governance.decisions import decide

    decide(lake, data.ref, data.decision, by=request.user.name, comment=data.comment)
    return Redirect(data.next if data.next.startswith("/ui/") else "/ui/reviews")


def chat_view(request: Request, lake, conversation_id: str | None, answer: dict | None) -> Template:
    """The conversation so far, the latest turn with its chips (and its answer, when one was just given), examples."""
    from api.http.chat_view import removable_chips, shown_turn
    from engine.chat.answer import current_results
    from engine.chat.conversation import turns
    from engine.chat.examples import example_questions

    history = []
    if conversation_id:
        with lake.transaction() as session:
            history = [shown_turn(turn) for turn in turns(session, conversation_id)]
    current = history.pop() if history else None
    shown = None
    if answer:
        shown = {"results": answer["results"], "total": answer["total"]}
    elif current:  # a conversation opened by its id: its latest query's results as the lake stands now
        results, total = current_results(lake, current["query"])
        shown = {"results": results, "total": total}
    return page("chat.html", request, history=history, current=current, answer=answer, shown=shown, conversation_id=conversation_id or "",
                chips=removable_chips(current["query"]) if current else [], examples=example_questions(lake))


@get("/chat", opt=permission("read"), sync_to_thread=True)
def chat_page(request: Request, lake: LakeDep, conversation: FromQuery[str | None] = None) -> Template:
    """A conversation (started here or over POST /chat) by its id, or an empty one with example questions."""
    return chat_view(request, lake, conversation, None)


@post("/chat", opt=permission("read"), sync_to_thread=True)
def chat_ask(request: Request, data: URLEncodedBody[ChatForm], lake: LakeDep) -> Template:
    """The same path as POST /chat: a question, or (from a chip's Remove button) the query without that chip."""
    from api.http.routes.discovery import answer_chat

    query = None
    if data.query:
        try:
            query = json.loads(data.query)
        except json.JSONDecodeError as error:
            raise UsageError(f"the edited query is not JSON: {error}") from None
    answer = answer_chat(lake, question=None if query is not None else data.question, query=query,
                         conversation_id=data.conversation_id or None, said=data.said or None)
    return chat_view(request, lake, answer["conversation_id"], answer)


ROUTES = [login_page, login, logout, catalog, model_page, diff_page, review_queue_page, decide_from_form, chat_page, chat_ask]
