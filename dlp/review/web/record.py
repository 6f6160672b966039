"""The record of disclosures page: answering a parent's request for one student's record.

34 CFR 99.32(c) lets a parent see the record of disclosures of their child's
records; the officer types the student's name or ID and gets every entry,
oldest first, exempt ones marked, with a CSV to hand over. Looking the
record up and exporting it are audited like any other view of student data.
"""

from __future__ import annotations

import csv
import io

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from dlp.quarantine.disclosures import BASES, FIELDS, Disclosure, listing
from dlp.quarantine.model import QuarantineError
from dlp.review.render import spreadsheet_safe
from dlp.review.timefmt import parse_when
from dlp.review.web.app import guard, render, review_of
from dlp.review.web.pages import actor


async def _entries(request: Request) -> tuple[str, str, list[Disclosure], str | None]:
    student = request.query_params.get("student", "").strip()[:200]
    since_text = request.query_params.get("since", "").strip()[:40]
    try:
        since = parse_when(since_text)
    except QuarantineError as exc:
        return student, since_text, [], str(exc)
    r = review_of(request)
    found = await run_in_threadpool(listing, r.store.db, student or None, since)
    return student, since_text, found, None


@guard()
async def page(request: Request) -> Response:
    student, since, found, error = await _entries(request)
    if student:
        await run_in_threadpool(review_of(request).store.audit, actor(request),
                                "disclosures-view", None, "", f"student {student}")  # fmt: skip
    return render(request, "disclosures.html", student=student, since=since, entries=found,
                  error=error, bases=BASES)  # fmt: skip


@guard()
async def csv_export(request: Request) -> Response:
    student, _since, found, _error = await _entries(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for d in found:
        row = d.as_dict()
        row["recipients"] = " ".join(d.recipients)
        row["categories"] = " ".join(d.categories)
        row["basis"] = BASES.get(d.basis, (d.basis, False))[0] + (
            f": {d.basis_text}" if d.basis_text else "")  # fmt: skip
        writer.writerow([spreadsheet_safe(row[k]) for k in FIELDS])
    detail = f"student {student or '(all)'}: {len(found)} entries"
    store = review_of(request).store
    await run_in_threadpool(store.audit, actor(request), "disclosures-export", None, "", detail)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="record-of-disclosures.csv"'})  # fmt: skip
