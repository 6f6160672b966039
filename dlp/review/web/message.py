"""One held message: its evidence, the reviewers' notes and claim, and the decisions on it.

Reveal is a POST that records itself in the audit log and then renders the
page with those values shown: there is no URL that shows an unmasked value
without leaving a record. Downloads (the message, or one attachment) are
always `attachment` with a generic type, so a browser never renders
quarantined content, and each is audited.
"""

from __future__ import annotations

import email
import email.policy
import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dlp.quarantine import disclosures, evidence, words
from dlp.quarantine import findings as positions
from dlp.quarantine.actions import BasisRequired
from dlp.quarantine.disclosures import BASES, Basis
from dlp.quarantine.model import QuarantineError, Status
from dlp.quarantine.teamwork import Teamwork
from dlp.review.web.app import flash, guard, render, review_of
from dlp.review.web.pages import actor

DONE = {
    "release": "released to the recipients",
    "reject": "rejected; the sender is told",
    "delete": "deleted",
    "false-positive": "released as not sensitive (false positive)",
}


async def _page(request: Request, qid: str, revealed: dict[int, str] | None = None) -> Response:
    r = review_of(request)
    try:
        view = await run_in_threadpool(r.actions.view, qid)
    except QuarantineError as exc:
        return render(request, "error.html", 404, title="Not found", text=str(exc))
    rec = view.record
    revealed = revealed or {}
    parts = positions.parts(view.chunks, rec.findings, frozenset(revealed))
    team = Teamwork(r.store)
    subject = evidence.masked_subject(rec.subject, rec.findings)
    headers = [(k, subject if k.lower() == "subject" else v) for k, v in view.headers]
    return render(
        request, "message.html", view=view, rec=rec, parts=parts, revealed=revealed,
        groups=evidence.groups(view.chunks, rec.findings), subject=subject, headers=headers,
        trail=await run_in_threadpool(r.store.audit_log, qid, 200),
        notes=await run_in_threadpool(team.notes, qid), attachments=attachments(view.raw),
        users=[u.name for u in await run_in_threadpool(r.accounts.all) if u.active],
        disclosing=disclosures.is_disclosure(r.settings, rec), bases=BASES,
        kinds=[words.label(f.entity, f.role) for f in rec.findings],
        interrupted=rec.status == Status.RELEASING and (
            time.time() - (rec.releasing_since or 0) > r.actions.lease),
    )  # fmt: skip


def attachments(raw: bytes) -> list[tuple[int, str, int]]:
    """(number, file name, size) of each attached file, in MIME order."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    out = []
    for n, part in enumerate(msg.walk()):
        name = part.get_filename() if not part.is_multipart() else None
        if name:
            payload = part.get_payload(decode=True)
            out.append((n, str(name), len(payload) if isinstance(payload, bytes) else 0))
    return out


@guard()
async def message(request: Request) -> Response:
    return await _page(request, request.path_params["qid"])


@guard()
async def reveal(request: Request) -> Response:
    """One group's values (or one finding's), audited before the page shows them."""
    qid = request.path_params["qid"]
    form: Any = request.state.form
    r = review_of(request)
    try:
        view = await run_in_threadpool(r.actions.view, qid)
        key = str(form.get("group", ""))
        if key:
            groups = evidence.groups(view.chunks, view.record.findings)
            numbers = [n for g in groups if g.key == key for n in g.numbers]
        else:
            which = str(form.get("finding", ""))
            count = len(view.record.findings)
            numbers = list(range(count)) if which == "all" else [int(which)]
        values = await run_in_threadpool(
            r.actions.reveal, view, numbers, actor(request), str(form.get("reason", ""))
        )
    except (QuarantineError, ValueError) as exc:
        flash(request, str(exc) or "no such finding", "error")
        return RedirectResponse(f"/m/{qid}", status_code=303)
    return await _page(request, qid, values)


async def _decide(request: Request, verb: str) -> Response:
    qid = request.path_params["qid"]
    r = review_of(request)
    form = request.state.form
    reason = str(form.get("reason", ""))
    try:
        if verb in ("release", "false-positive"):
            code = str(form.get("basis", ""))
            basis = Basis.parse(code, str(form.get("basis_note", ""))) if code else None
            await r.actions.release(qid, actor(request), reason, basis=basis,
                                    false_positive=verb == "false-positive")  # fmt: skip
        elif verb == "reject":
            await r.actions.reject(qid, actor(request), reason)
        else:
            await run_in_threadpool(r.actions.delete, qid, actor(request), reason)
    except BasisRequired:
        flash(request, "This message discloses a student record outside the district: choose "
              "the basis of the disclosure.", "error")  # fmt: skip
        return RedirectResponse(f"/m/{qid}", status_code=303)
    except QuarantineError as exc:
        flash(request, str(exc), "error")
        return RedirectResponse(f"/m/{qid}", status_code=303)
    flash(request, f"Message {qid} {DONE[verb]}.")
    return RedirectResponse(f"/m/{qid}", status_code=303)


@guard()
async def release(request: Request) -> Response:
    return await _decide(request, "release")


@guard()
async def false_positive(request: Request) -> Response:
    return await _decide(request, "false-positive")


@guard()
async def reject(request: Request) -> Response:
    return await _decide(request, "reject")


@guard("admin")
async def delete(request: Request) -> Response:
    return await _decide(request, "delete")


@guard()
async def claim(request: Request) -> Response:
    """Claim for yourself, hand to a colleague, or give back (empty)."""
    qid = request.path_params["qid"]
    r = review_of(request)
    to = str(request.state.form.get("to", "")).strip() or None
    known = {u.name for u in await run_in_threadpool(r.accounts.all)}
    if to is not None and to not in known:
        flash(request, f"No reviewer named {to}.", "error")
    else:
        try:
            await run_in_threadpool(Teamwork(r.store).assign, qid, to, actor(request))
        except QuarantineError as exc:
            flash(request, str(exc), "error")
    return RedirectResponse(f"/m/{qid}", status_code=303)


@guard()
async def note(request: Request) -> Response:
    qid = request.path_params["qid"]
    r = review_of(request)
    text = str(request.state.form.get("text", ""))
    try:
        await run_in_threadpool(Teamwork(r.store).add_note, qid, actor(request), text)
    except QuarantineError as exc:
        flash(request, str(exc), "error")
    return RedirectResponse(f"/m/{qid}#notes", status_code=303)


def _file(data: bytes, name: str) -> Response:
    safe = "".join(c for c in name if c.isalnum() or c in "._-")[:120] or "file"
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
    })  # fmt: skip


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
    return _file(raw, f"quarantine-{qid}.eml")


@guard()
async def download_part(request: Request) -> Response:
    """One attachment, by its MIME position; audited with its file name."""
    qid = request.path_params["qid"]
    r = review_of(request)
    try:
        raw = await run_in_threadpool(r.store.raw, qid)
        number = int(request.path_params["n"])
    except (QuarantineError, ValueError) as exc:
        return render(request, "error.html", 404, title="Not found", text=str(exc) or "no part")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = list(msg.walk())
    part = parts[number] if 0 <= number < len(parts) else None
    name = part.get_filename() if part is not None and not part.is_multipart() else None
    if part is None or not name:
        return render(request, "error.html", 404, title="Not found", text="no such attachment")
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    await run_in_threadpool(r.store.audit, actor(request), "download", qid, "attachment",
                            str(name))  # fmt: skip
    return _file(data, str(name))
