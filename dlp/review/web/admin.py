"""Administrator pages: the audit log (and its exports), accounts, retention purge."""

from __future__ import annotations

import io
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.quarantine.model import ROLES, QuarantineError
from dlp.review import render as export
from dlp.review.web.app import flash, guard, render, review_of
from dlp.review.web.pages import actor

AUDIT_PAGE = 500


@guard("admin")
async def audit(request: Request) -> Response:
    p = request.query_params
    qid, who, action = (p.get(k, "").strip()[:200] or None for k in ("id", "actor", "action"))
    store = review_of(request).store
    entries = await run_in_threadpool(store.audit_log, qid, AUDIT_PAGE, who, action)
    return render(request, "audit.html", entries=entries, qid=qid or "", who=who or "",
                  action=action or "")  # fmt: skip


def _file(body: str, media: str, name: str) -> Response:
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})  # fmt: skip


@guard("admin")
async def audit_csv(request: Request) -> Response:
    entries = await run_in_threadpool(review_of(request).store.audit_log, None, 1_000_000)
    out = io.StringIO()
    export.audit_csv(entries, out)
    return _file(out.getvalue(), "text/csv; charset=utf-8", "dlp-audit.csv")


@guard("admin")
async def audit_jsonl(request: Request) -> Response:
    entries = await run_in_threadpool(review_of(request).store.audit_log, None, 1_000_000)
    body = "".join(json.dumps(e.as_dict()) + "\n" for e in entries)
    return _file(body, "application/x-ndjson", "dlp-audit.jsonl")


@guard("admin")
async def accounts_page(request: Request) -> Response:
    r = review_of(request)
    users = await run_in_threadpool(r.accounts.all)
    return render(request, "admin.html", users=users, roles=ROLES,
                  retention=r.settings.quarantine.retention_days)  # fmt: skip


@guard("admin")
async def add_user(request: Request) -> Response:
    r = review_of(request)
    form = request.state.form
    name, role = str(form.get("username", "")), str(form.get("role", ""))
    try:
        await run_in_threadpool(r.accounts.add, name, role, str(form.get("password", "")))
    except QuarantineError as exc:
        flash(request, str(exc), "error")
    else:
        await run_in_threadpool(
            r.store.audit, actor(request), "user-add", None, "", f"{name} {role}"
        )
        flash(request, f"Account {name} added ({role}).")
    return RedirectResponse("/admin", status_code=303)


@guard("admin")
async def remove_user(request: Request) -> Response:
    r = review_of(request)
    name = str(request.state.form.get("username", ""))
    if name == request.state.user.name:
        flash(request, "You cannot remove your own account.", "error")
        return RedirectResponse("/admin", status_code=303)
    try:
        await run_in_threadpool(r.accounts.remove, name)
    except QuarantineError as exc:
        flash(request, str(exc), "error")
    else:
        await run_in_threadpool(r.store.audit, actor(request), "user-remove", None, "", name)
        flash(request, f"Account {name} removed.")
    return RedirectResponse("/admin", status_code=303)


@guard("admin")
async def end_sessions(request: Request) -> Response:
    """Log an account out everywhere (a lost laptop, a shared screen)."""
    r = review_of(request)
    name = str(request.state.form.get("username", ""))
    ended = await run_in_threadpool(r.accounts.close_sessions_of, name)
    await run_in_threadpool(r.store.audit, actor(request), "sessions-ended", None, "",
                            f"{name}: {ended}")  # fmt: skip
    flash(request, f"Ended {ended} session(s) of {name}.")
    return RedirectResponse("/admin", status_code=303)


@guard("admin")
async def purge(request: Request) -> Response:
    r = review_of(request)
    raw = str(request.state.form.get("days", "")).strip()
    try:
        days = float(raw) if raw else None
        ids = await run_in_threadpool(r.actions.purge, actor(request), days)
    except (QuarantineError, ValueError) as exc:
        flash(request, str(exc) or "days must be a number", "error")
    else:
        flash(request, f"Purged {len(ids)} message(s).")
    return RedirectResponse("/admin", status_code=303)
