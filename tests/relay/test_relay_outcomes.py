"""`dlp serve` in-process against a recording next hop: each verdict ends where it should."""

from __future__ import annotations

import email
import email.policy
import sqlite3
from pathlib import Path

from .client import message, send
from .sink import Sink

SSN_MASKED = "***-**-8745"


def test_passed_message_reaches_next_hop_with_headers_prepended_and_bytes_unchanged(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    raw = message(extra="DKIM-Signature: v=1; a=rsa-sha256; b=abc\r\n")
    replies = send(app.port, raw)
    assert replies.final[0] == 250 and "2.0.0" in replies.final[1]
    [got] = sink.wait_for(1)
    head, _, original = got.data.partition(b"X-DLP-Categories: none\r\n")
    assert head.startswith(b"X-DLP-Scan-ID: ") and b"X-DLP-Verdict: pass\r\n" in head
    assert original == raw
    assert got.recipients == ["friend@gmail.com"]


def test_quarantined_message_is_stored_before_250_and_not_relayed(
    start_relay, sink: Sink, tmp_path: Path
) -> None:
    app = start_relay()
    raw = message(body="VERDICT=quarantine")
    code, text = send(app.port, raw).final
    assert code == 250 and "held" in text
    rows = (
        sqlite3.connect(tmp_path / "q.db")
        .execute("SELECT status, sender, recipients, categories, path FROM quarantine")
        .fetchall()
    )
    assert len(rows) == 1 and rows[0][0] == "held" and "high_risk_id" in rows[0][3]
    assert Path(rows[0][4]).read_bytes() == raw
    assert sink.data_commands == 0


def test_retry_of_a_quarantined_message_does_not_create_a_second_record(
    start_relay, tmp_path: Path
) -> None:
    app = start_relay()
    raw = message(body="VERDICT=quarantine")
    assert send(app.port, raw).final[0] == 250
    assert send(app.port, raw).final[0] == 250
    db = sqlite3.connect(tmp_path / "q.db")
    assert db.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1


def test_bounce_after_queue_sends_a_dsn_from_the_null_sender_with_headers_only(
    start_relay, sink: Sink
) -> None:
    app = start_relay()
    raw = message(subject="Roster", body="VERDICT=bounce secret body line")
    code, text = send(
        app.port,
        raw,
        rcpts=["records@lincoln-usd.k12.ca.us"],
        mail_options=["RET=FULL", "ENVID=Env42"],
        rcpt_options=["ORCPT=rfc822;records@lincoln-usd.k12.ca.us"],
    ).final
    assert code == 250 and "sender notified" in text
    [dsn] = sink.wait_for(1)
    assert dsn.sender == "<>" and dsn.recipients == ["teacher@westpark.k12.ca.us"]
    msg = email.message_from_bytes(dsn.data, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/report"
    assert msg.get_param("report-type") == "delivery-status"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "message/delivery-status", "text/rfc822-headers"]
    assert b"secret body line" not in dsn.data
    text_part = next(msg.iter_parts()).get_content()
    assert SSN_MASKED in text_part and "C.14" in text_part
    assert "[secure]" not in text_part and "S/MIME" in text_part  # no gateway: no tag to suggest
    assert b"Original-Envelope-Id: Env42" in dsn.data and b"Status: 5.7.1" in dsn.data
    assert b"Subject: Roster" in dsn.data


def test_bounce_of_a_null_sender_message_is_held_instead_of_bouncing_a_bounce(
    start_relay, sink: Sink, tmp_path: Path
) -> None:
    app = start_relay()
    code, _ = send(app.port, message(body="VERDICT=bounce"), sender="").final
    assert code == 250
    assert sink.data_commands == 0
    db = sqlite3.connect(tmp_path / "q.db")
    assert db.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1


def test_bounce_suggests_the_subject_tag_only_with_an_encryption_gateway(
    start_relay, sink: Sink
) -> None:
    app = start_relay(relay={"encrypt_next_hop": "127.0.0.1:9"})
    assert send(app.port, message(body="VERDICT=bounce")).final[0] == 250
    [dsn] = sink.wait_for(1)
    msg = email.message_from_bytes(dsn.data, policy=email.policy.default)
    assert "[secure] at the start of the subject" in next(msg.iter_parts()).get_content()


def test_before_queue_bounce_is_a_550_5_7_1_rejection(start_relay, sink: Sink) -> None:
    app = start_relay(relay={"mode": "before-queue"})
    code, text = send(app.port, message(body="VERDICT=bounce")).final
    assert code == 550 and text.startswith("5.7.1") and "[secure]" not in text
    assert sink.data_commands == 0
    gated = start_relay(relay={"mode": "before-queue", "encrypt_next_hop": "127.0.0.1:9"})
    code, text = send(gated.port, message(body="VERDICT=bounce")).final
    assert code == 550 and "resend with [secure] in the subject" in text


def test_start_up_warns_that_subject_tags_need_an_encryption_gateway(start_relay, caplog) -> None:
    with caplog.at_level("WARNING", logger="dlp.serve"):
        start_relay()
    assert any("relay.encrypt_next_hop" in r.getMessage() for r in caplog.records)


def test_monitor_mode_relays_a_quarantine_verdict_and_records_it(start_relay, sink: Sink) -> None:
    app = start_relay(policy={"mode": "monitor"})
    assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250
    [got] = sink.wait_for(1)
    assert b"X-DLP-Verdict: quarantine (monitor mode: pass)" in got.data
    assert b"X-DLP-Categories: high_risk_id" in got.data
    sample = app.app.metrics.registry.get_sample_value(
        "dlp_messages_total", {"verdict": "quarantine", "action": "relayed"}
    )
    assert sample == 1


def test_secure_subject_is_routed_to_the_encryption_gateway(start_relay, sink: Sink) -> None:
    from .util import free_port

    gateway = Sink(free_port())
    gateway.start()
    try:
        app = start_relay(relay={"encrypt_next_hop": f"127.0.0.1:{gateway.port}"})
        assert send(app.port, message(subject="[secure] IEP report")).final[0] == 250
        assert send(app.port, message(subject="Lunch")).final[0] == 250
        assert len(gateway.wait_for(1)) == 1 and b"[secure] IEP" in gateway.messages[0].data
        assert len(sink.wait_for(1)) == 1 and b"Subject: Lunch" in sink.messages[0].data
    finally:
        gateway.stop()


def test_message_already_scanned_too_often_is_refused_as_a_loop(start_relay, sink: Sink) -> None:
    app = start_relay()
    looped = "".join(f"X-DLP-Scan-ID: {i}\r\n" for i in range(3))
    code, text = send(app.port, looped.encode() + message()).final
    assert code == 554 and text.startswith("5.4.6")
    assert send(app.port, b"X-DLP-Scan-ID: 1\r\n" + message()).final[0] == 250
    assert sink.data_commands == 1
