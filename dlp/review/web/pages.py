"""The queue and the message page, and the reviewer's decisions on a message.

Reveal is a POST that records itself in the audit log and then renders the
page with those values shown: there is no URL that shows an unmasked value
without leaving a record. Downloads are always `attachment` with a generic
type, so a browser never renders quarantined content.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.quarantine import findings as positions
from dlp.quarantine.model import QuarantineError, Query, Status
from dlp.review.timefmt import parse_when
from dlp.review.web.app import flash, guard, render, review_of

PAGE = 50
CATEGORIES = ("student_record", "staff_record", "high_risk_id", "bulk_roster", "unscannable")
SORTABLE = ("received", "sender", "subject", "size", "status")


def actor(request: Request) -> str:
    return f"web:{request.state.user.name}"


def _filters(request: Request) -> tuple[Query, dict[str, str], str | None]:
    p = request.query_params
    f = {k: p.get(k, "").strip() for k in ("status", "sender", "domain", "category", "since",
                                            "until", "sort", "dir")}  # fmt: skip
    error = None
    try:
        since, until = parse_when(f["since"]), parse_when(f["until"])
    except QuarantineError as exc:
        since = until = None
        error = str(exc)
    status = f["status"] or "held"
    page = max(1, int(p.get("page", "1")) if p.get("page", "1").isdigit() else 1)
    q = Query(
        status=() if status == "all" else (status,), sender=f["sender"] or None,
        domain=f["domain"] or None, category=f["category"] or None, since=since, until=until,
        sort=f["sort"] if f["sort"] in SORTABLE else "received", descending=f["dir"] != "asc",
        limit=PAGE + 1, offset=(page - 1) * PAGE,
    )  # fmt: skip
    f.update(status=status, page=str(page))
    return q, f, error


@guard()
async def queue(request: Request) -> Response:
    q, f, error = _filters(request)
    store = review_of(request).store
    records = await run_in_threadpool(store.query, q)
    counts = await run_in_threadpool(store.counts, q)

    def link(**change: str) -> str:
        params = {**{k: v for k, v in f.items() if v}, **change}
        return "/?" + urlencode({k: v for k, v in params.items() if v})

    return render(
        request, "queue.html", records=records[:PAGE], more=len(records) > PAGE, counts=counts,
        total=sum(counts.values()), f=f, error=error, link=link, sortable=SORTABLE,
        categories=CATEGORIES, statuses=[s.value for s in Status],
    )  # fmt: skip


async def _message_page(
    request: Request, qid: str, revealed: dict[int, str] | None = None, status: int = 200
) -> Response:
    r = review_of(request)
    try:
        view = await run_in_threadpool(r.actions.view, qid)
    except QuarantineError as exc:
        return render(request, "error.html", 404, title="Not found", text=str(exc))
    revealed = revealed or {}
    parts = positions.parts(view.chunks, view.record.findings, frozenset(revealed))
    placed = {s.finding for p in parts for s in p.segments if s.finding is not None}
    trail = await run_in_threadpool(r.store.audit_log, qid, 200)
    return render(
        request, "message.html", status, view=view, rec=view.record, parts=parts,
        revealed=revealed, placed=placed, trail=trail,
        interrupted=view.record.status == Status.RELEASING and (
            time.time() - (view.record.releasing_since or 0) > r.actions.lease),
    )  # fmt: skip


@guard()
async def message(request: Request) -> Response:
    return await _message_page(request, request.path_params["qid"])


@guard()
async def reveal(request: Request) -> Response:
    qid = request.path_params["qid"]
    form: Any = request.state.form
    r = review_of(request)
    try:
        view = await run_in_threadpool(r.actions.view, qid)
        which = str(form.get("finding", ""))
        numbers = list(range(len(view.record.findings))) if which == "all" else [int(which)]
        values = await run_in_threadpool(
            r.actions.reveal, view, numbers, actor(request), str(form.get("reason", ""))
        )
    except (QuarantineError, ValueError) as exc:
        flash(request, str(exc) or "no such finding", "error")
        return RedirectResponse(f"/m/{qid}", status_code=303)
    return await _message_page(request, qid, values)


async def _decide(request: Request, verb: str) -> Response:
    qid = request.path_params["qid"]
    r = review_of(request)
    reason = str(request.state.form.get("reason", ""))
    try:
        if verb == "release":
            await r.actions.release(qid, actor(request), reason)
        elif verb == "reject":
            await r.actions.reject(qid, actor(request), reason)
        else:
            await run_in_threadpool(r.actions.delete, qid, actor(request), reason)
    except QuarantineError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/m/{qid}", status_code=303)
    done = {"release": "released to the recipients", "reject": "rejected; the sender is told",
            "delete": "deleted"}[verb]  # fmt: skip
    flash(request, f"Message {qid} {done}.")
    return RedirectResponse(f"/m/{qid}", status_code=303)


@guard()
async def release(request: Request) -> Response:
    return await _decide(request, "release")


@guard()
async def reject(request: Request) -> Response:
    return await _decide(request, "reject")


@guard("admin")
async def delete(request: Request) -> Response:
    return await _decide(request, "delete")


@guard()
async def download(request: Request) -> Response:
    """The original message as a file, never inline; the download is audited."""
    qid = request.path_params["qid"]
    r = review_of(request)
    try:
        raw = await run_in_threadpool(r.store.raw, qid)
    except QuarantineError as exc:
        return render(request, "error.html", 404, title="Not found", text=str(exc))
    await run_in_threadpool(r.store.audit, actor(request), "download", qid, "original message")
    safe = "".join(c for c in qid if c.isalnum())
    return Response(raw, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="quarantine-{safe}.eml"',
    })  # fmt: skip
