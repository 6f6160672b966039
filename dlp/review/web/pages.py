"""The queue: search, filters and sort kept in the URL, page sizes, and bulk decisions.

Every filter is a query parameter, so a reviewer can bookmark "held, gmail,
student records, oldest first" or send it to a colleague. Bulk decisions run
the same single-message actions one after the other: each is audited on its
own and the release state machine still lets each message out exactly once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.quarantine.actions import BasisRequired
from dlp.quarantine.disclosures import BASES, Basis
from dlp.quarantine.evidence import masked_subject
from dlp.quarantine.model import QuarantineError, Query, Status
from dlp.review.timefmt import parse_when
from dlp.review.web.app import flash, guard, render, review_of

PAGE_SIZES = (25, 50, 100, 200)
MAX_PAGE = 10_000  # deeper than any queue; a bigger number is a typo or a probe
BULK_LIMIT = 2000  # messages one bulk decision may touch ("all matching")
CATEGORIES = ("student_record", "staff_record", "high_risk_id", "bulk_roster", "unscannable")
SORTABLE = ("received", "sender", "recipients", "subject", "categories", "size", "status",
            "assigned")  # fmt: skip
FIELDS = ("status", "q", "sender", "domain", "category", "assigned", "since", "until", "sort",
          "dir", "per")  # fmt: skip
VERBS = {"release": "released", "reject": "rejected", "false-positive": "released as not sensitive"}


def actor(request: Request) -> str:
    return f"web:{request.state.user.name}"


class BadRequest(QuarantineError):
    """A query parameter no page of ours would send."""


def filters(params: Any) -> tuple[Query, dict[str, str], str | None]:
    """Query parameters (or a bulk form's hidden copy of them) → the store's query."""
    f = {k: str(params.get(k, "") or "").strip()[:200] for k in FIELDS}
    error = None
    try:
        since, until = parse_when(f["since"]), parse_when(f["until"])
    except QuarantineError as exc:
        since = until = None
        error = str(exc)
    page_text = str(params.get("page", "") or "1")
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadRequest(f"page must be a number from 1 to {MAX_PAGE}")
    per = int(f["per"]) if f["per"].isdigit() and int(f["per"]) in PAGE_SIZES else 50
    status = f["status"] or "held"
    page = int(page_text)
    q = Query(
        status=() if status == "all" else (status,), sender=f["sender"] or None,
        domain=f["domain"] or None, category=f["category"] or None, search=f["q"] or None,
        assigned=f["assigned"] or None, since=since, until=until,
        sort=f["sort"] if f["sort"] in SORTABLE else "received", descending=f["dir"] != "asc",
        limit=per, offset=(page - 1) * per,
    )  # fmt: skip
    f.update(status=status, page=str(page), per=str(per))
    return q, f, error


@guard()
async def queue(request: Request) -> Response:
    try:
        q, f, error = filters(request.query_params)
    except BadRequest as exc:
        return render(request, "error.html", 400, title="Bad request", text=str(exc))
    store = review_of(request).store
    records = await run_in_threadpool(store.query, q)
    counts = await run_in_threadpool(store.counts, q)
    total = sum(counts.values())
    matching = total if f["status"] == "all" else counts.get(f["status"], 0)

    def link(**change: str) -> str:
        params = {**{k: v for k, v in f.items() if v}, **change}
        return "/?" + urlencode({k: v for k, v in params.items() if v})

    first = q.offset + 1 if records else 0
    return render(
        request, "queue.html", records=records, counts=counts, total=total, f=f, error=error,
        link=link, sortable=SORTABLE, categories=CATEGORIES, statuses=[s.value for s in Status],
        matching=matching, first=first, last=q.offset + len(records),
        more=q.offset + len(records) < matching, sizes=PAGE_SIZES, bases=BASES,
        subject_of=lambda r: masked_subject(r.subject, r.findings),
        hidden={k: v for k, v in f.items() if v and k != "page"},
    )  # fmt: skip


@guard()
async def bulk(request: Request) -> Response:
    """Release, reject or mark as false positive many messages with one reason."""
    r = review_of(request)
    form = request.state.form
    verb = str(form.get("verb", ""))
    back = "/?" + urlencode({k: str(form.get(k)) for k in FIELDS if form.get(k)})
    if verb not in VERBS:
        flash(request, "Choose what to do with the selected messages.", "error")
        return RedirectResponse(back, status_code=303)
    ids = [str(v) for v in form.getlist("id")]
    if form.get("all_matching") == "1":
        q, _f, _e = filters(form)
        q = Query(**{**q.__dict__, "status": (Status.HELD.value,), "limit": BULK_LIMIT,
                     "offset": 0})  # fmt: skip
        ids = [rec.id for rec in await run_in_threadpool(r.store.query, q)]
    if not ids:
        flash(request, "No messages were selected.", "error")
        return RedirectResponse(back, status_code=303)
    done, failed = await _each(request, verb, ids, str(form.get("reason", "")))
    text = f"{len(done)} message(s) {VERBS[verb]}."
    if failed:
        text += " Not done: " + "; ".join(f"{qid}: {why}" for qid, why in failed[:10])
        text += f" (and {len(failed) - 10} more)" if len(failed) > 10 else ""
    flash(request, text, "error" if failed else "ok")
    return RedirectResponse(back, status_code=303)


async def _each(
    request: Request, verb: str, ids: list[str], reason: str
) -> tuple[list[str], list[tuple[str, str]]]:
    r = review_of(request)
    form = request.state.form
    basis = None
    if form.get("basis"):
        try:
            basis = Basis.parse(str(form.get("basis")), str(form.get("basis_note", "")))
        except QuarantineError as exc:
            return [], [("all", str(exc))]
    done: list[str] = []
    failed: list[tuple[str, str]] = []
    for qid in dict.fromkeys(ids):
        try:
            if verb == "reject":
                await r.actions.reject(qid, actor(request), reason)
            else:
                fp = verb == "false-positive"
                await r.actions.release(qid, actor(request), reason, basis=basis, false_positive=fp)
            done.append(qid)
        except BasisRequired:
            failed.append((qid, "a student record to an outside recipient needs a basis"))
        except QuarantineError as exc:
            failed.append((qid, str(exc)))
    return done, failed
