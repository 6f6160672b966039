"""Every reviewer action against SQLite and PostgreSQL, with the message ending at the sink."""

from __future__ import annotations

import asyncio
import email
import email.policy
import time

import pytest
from relay.sink import Sink
from relay.util import free_port

from dlp.config import Settings
from dlp.quarantine import NotFound, SqlStore, Status, WrongState
from dlp.quarantine.actions import Actions
from dlp.quarantine.model import ActionFailed, QuarantineError, Query

from .helpers import SENDER, hold, mail

DAY = 86400


def test_put_is_durable_and_a_retry_finds_the_same_record(store: SqlStore) -> None:
    raw = mail()
    first = hold(store, raw)
    assert hold(store, raw) == first
    record = store.get(first)
    assert record.status is Status.HELD and record.sender == SENDER
    assert record.recipients == ("parent@gmail.com",) and record.categories[0] == "high_risk_id"
    assert record.reasons[0][1] == "E.2" and store.raw(first) == raw
    [finding] = record.findings
    assert finding.entity == "US_SSN" and finding.excerpt == "***-**-6789"
    assert store.count() == 1 and store.oldest_held() == pytest.approx(record.received_epoch)


def test_release_reinjects_original_bytes_once_and_audits(
    store: SqlStore, settings: Settings, sink: Sink
) -> None:
    raw = mail()
    qid = hold(store, raw)
    record = asyncio.run(Actions(settings, store).release(qid, "web:pat", "consent on file"))
    assert record.status is Status.RELEASED and record.decided_by == "web:pat"
    [got] = sink.wait_for(1)
    assert got.sender == SENDER and got.recipients == ["parent@gmail.com"]
    head, _, _rest = got.data.partition(b"\r\n" + raw[:20])
    assert b"X-DLP-Released: by web:pat" in head and b"X-DLP-Release-Token: " in head
    assert got.data.endswith(raw)  # original bytes after our two headers: DKIM stays valid
    [entry] = store.audit_log(qid)
    assert (entry.actor, entry.action, entry.reason) == ("web:pat", "release", "consent on file")
    with pytest.raises(WrongState, match="already released"):
        asyncio.run(Actions(settings, store).release(qid, "web:pat", "again"))
    assert len(sink.wait_for(2, timeout=0.5)) == 1


def test_release_needs_a_reason_and_a_known_id(store: SqlStore, settings: Settings) -> None:
    qid = hold(store)
    actions = Actions(settings, store)
    with pytest.raises(QuarantineError, match="reason is required"):
        asyncio.run(actions.release(qid, "cli:root", "   "))
    with pytest.raises(NotFound):
        asyncio.run(actions.release("nosuchid", "cli:root", "ok"))
    assert store.get(qid).status is Status.HELD


def test_release_to_a_next_hop_that_is_down_keeps_it_held(store: SqlStore, make_settings) -> None:
    settings = make_settings(relay={"next_hop": f"127.0.0.1:{free_port()}"})
    qid = hold(store)
    with pytest.raises(ActionFailed, match="held again"):
        asyncio.run(Actions(settings, store).release(qid, "web:pat", "consent"))
    assert store.get(qid).status is Status.HELD
    assert [e.action for e in store.audit_log(qid)] == ["release-failed"]


def test_two_reviewers_releasing_at_once_deliver_exactly_one_copy(
    store: SqlStore, settings: Settings, sink: Sink
) -> None:
    sink.faults.data_delay = 0.5  # both clicks land while the first is still delivering
    qid = hold(store)

    async def both() -> list[object]:
        a, b = Actions(settings, store), Actions(settings, store)
        return await asyncio.gather(
            asyncio.to_thread(asyncio.run, a.release(qid, "web:ann", "ok")),
            asyncio.to_thread(asyncio.run, b.release(qid, "web:bob", "ok")),
            return_exceptions=True,
        )

    results = asyncio.run(both())
    wins = [r for r in results if not isinstance(r, BaseException)]
    losses = [r for r in results if isinstance(r, WrongState)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "being released" in str(losses[0])
    time.sleep(0.3)
    assert sink.data_commands == 1 and len(sink.messages) == 1
    assert [e.action for e in store.audit_log(qid)] == ["release"]


def test_reject_tells_the_sender_from_the_null_sender_without_the_content(
    store: SqlStore, settings: Settings, sink: Sink
) -> None:
    qid = hold(store, mail(body="SSN 123-45-6789 private body line"))
    record = asyncio.run(Actions(settings, store).reject(qid, "web:pat", "personal address"))
    assert record.status is Status.REJECTED
    [notice] = sink.wait_for(1)
    assert notice.sender == "<>" and notice.recipients == [SENDER]
    text = email.message_from_bytes(notice.data, policy=email.policy.default)
    body = text.get_content()
    assert "was not sent" in str(text["Subject"]) and "parent@gmail.com" in body
    assert "***-**-6789" in body and "E.2" in body
    assert "The privacy office's reason: personal address" in body
    assert "Social Security number: ***-**-6789" in body and "US_SSN" not in body
    assert b"123-45-6789" not in notice.data and b"private body line" not in notice.data
    actions = [e.action for e in store.audit_log(qid)]
    assert actions == ["notify-rejected", "reject"]
    with pytest.raises(WrongState, match="already rejected"):
        asyncio.run(Actions(settings, store).release(qid, "web:pat", "changed my mind"))


def test_reject_template_is_configurable(
    make_settings, store: SqlStore, sink: Sink, tmp_path
) -> None:
    template = tmp_path / "reject.txt"
    template.write_text("Subject: Not sent ($id)\nHello, $district said no: $reasons\n")
    settings = make_settings(quarantine={"reject_template": str(template)})
    qid = hold(store)
    asyncio.run(Actions(settings, store).reject(qid, "cli:root", "no"))
    [notice] = sink.wait_for(1)
    msg = email.message_from_bytes(notice.data, policy=email.policy.default)
    assert msg["Subject"] == f"Not sent ({qid})"
    assert "West Park School District said no" in msg.get_content()


def test_delete_removes_the_content_but_keeps_the_record(store: SqlStore, settings) -> None:
    qid = hold(store)
    record = Actions(settings, store).delete(qid, "web:admin", "sent securely instead")
    assert record.status is Status.DELETED
    with pytest.raises(WrongState, match="deleted"):
        store.raw(qid)
    assert [e.action for e in store.audit_log(qid)] == ["delete"]
    assert store.query(Query()) == []  # hidden from the queue unless asked for


def test_purge_by_retention_removes_old_messages_and_audits_each(
    store: SqlStore, settings: Settings
) -> None:
    old = hold(store, mail(subject="old"), received_at=time.time() - 91 * DAY)
    recent = hold(store, mail(subject="recent"), received_at=time.time() - 89 * DAY)
    assert Actions(settings, store).purge("system") == [old]
    with pytest.raises(NotFound):
        store.get(old)
    assert store.get(recent).status is Status.HELD
    [entry] = store.audit_log(old)
    assert entry.action == "purge" and "90 days" in entry.reason
    assert Actions(settings, store).purge("cli:root", 0) == [recent]


def test_reveal_is_audited_and_gives_the_value(store: SqlStore, settings: Settings) -> None:
    qid = hold(store)
    actions = Actions(settings, store)
    view = actions.view(qid)
    assert actions.reveal(view, [0], "web:pat", "checking the number") == {0: "123-45-6789"}
    [entry] = store.audit_log(qid)
    assert entry.action == "reveal" and "US_SSN" in entry.detail


def test_audit_log_is_append_only_in_the_database(store: SqlStore) -> None:
    store.audit("cli:root", "note", None, "x")
    for sql in ("UPDATE audit SET reason = 'forged'", "DELETE FROM audit"):
        with pytest.raises(store.db.errors, match="append-only"), store.db.transaction() as tx:
            tx.execute(sql)
    assert [e.reason for e in store.audit_log()] == ["x"]


def test_queue_filters_and_counts(store: SqlStore, settings: Settings) -> None:
    now = time.time()
    a = hold(store, mail(subject="a"), recipients=("x@gmail.com",), received_at=now - 3 * DAY)
    b = hold(store, mail(subject="b"), sender="coach@westpark.k12.ca.us",
             recipients=("y@yahoo.com",), categories=("staff_record",))  # fmt: skip
    c = hold(store, mail(subject="c"), recipients=("z@gmail.com",))
    asyncio.run(Actions(settings, store).reject(c, "cli:root", "no"))
    ids = lambda q: [r.id for r in store.query(q)]  # noqa: E731
    assert ids(Query()) == [c, b, a]
    assert ids(Query(status=("held",))) == [b, a]
    assert ids(Query(domain="gmail.com")) == [c, a]
    assert ids(Query(sender="COACH")) == [b]
    assert ids(Query(category="staff_record")) == [b]
    assert ids(Query(since=now - DAY)) == [c, b] and ids(Query(until=now - DAY)) == [a]
    assert ids(Query(sort="subject", descending=False)) == [a, b, c]
    assert store.counts(Query(domain="gmail.com")) == {"held": 1, "rejected": 1}
    assert ids(Query(sender="%")) == []  # wildcards are text


def test_held_notice_goes_to_internal_senders_only(
    store: SqlStore, settings: Settings, sink: Sink
) -> None:
    from dlp.act.relay import Relay
    from dlp.quarantine import notify

    inside = hold(store, mail(subject="inside"))
    hold(store, mail(subject="outside"), sender="someone@evil.example")
    hold(store, mail(subject="bounce"), sender="")
    assert asyncio.run(notify.run_once(settings, store, Relay(5))) == 1
    [notice] = sink.wait_for(1)
    assert notice.sender == "<>" and notice.recipients == [SENDER]
    body = email.message_from_bytes(notice.data, policy=email.policy.default).get_content()
    assert "held for review by the" in body and "privacy office" in body and "***-**-6789" in body
    assert "[secure]" not in body  # held mail goes to an unauthorized party: the tag cannot help
    assert asyncio.run(notify.run_once(settings, store, Relay(5))) == 0  # never twice
    assert [e.reason for e in store.audit_log(inside)] == ["sent"]
