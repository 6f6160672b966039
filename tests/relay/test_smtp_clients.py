"""Real clients (smtplib, swaks, raw sockets) against `dlp serve`: protocol features, fidelity."""

from __future__ import annotations

import smtplib
import socket
import subprocess
import urllib.request

from .client import message, send
from .conftest import need
from .sink import Sink
from .util import free_port


def test_smtputf8_and_8bitmime_are_announced_and_carried_through(start_relay, sink: Sink) -> None:
    app = start_relay()
    with smtplib.SMTP("127.0.0.1", app.port, timeout=60) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("smtputf8") and smtp.has_extn("8bitmime") and smtp.has_extn("size")
    raw = "From: józef@westpark.k12.ca.us\r\nSubject: Zażółć\r\n\r\nGrüße 8-bit\r\n".encode()
    code, _ = send(
        app.port,
        raw,
        sender="józef@westpark.k12.ca.us",
        rcpts=["müller@example.de"],
        mail_options=["SMTPUTF8", "BODY=8BITMIME"],
    ).final
    assert code == 250
    [got] = sink.wait_for(1)
    assert got.sender == "józef@westpark.k12.ca.us" and got.recipients == ["müller@example.de"]
    assert got.data.endswith(raw) and "SMTPUTF8" in got.mail_options
    assert "BODY=8BITMIME" in got.mail_options


def test_dsn_parameters_are_accepted_and_carried_to_the_next_hop(start_relay, sink: Sink) -> None:
    app = start_relay()
    replies = send(
        app.port,
        message(),
        mail_options=["RET=HDRS", "ENVID=QQ314159"],
        rcpt_options=["NOTIFY=SUCCESS,FAILURE", "ORCPT=rfc822;Friend@gmail.com"],
    )
    assert replies.mail[0] == 250 and replies.final[0] == 250
    [got] = sink.wait_for(1)
    assert "RET=HDRS" in got.mail_options and "ENVID=QQ314159" in got.mail_options
    assert "NOTIFY=SUCCESS,FAILURE" in got.rcpt_options
    assert "ORCPT=RFC822;FRIEND@GMAIL.COM" in [o.upper() for o in got.rcpt_options]


def test_invalid_dsn_parameter_is_refused_with_501_5_5_4(start_relay) -> None:
    app = start_relay()
    assert send(app.port, message(), mail_options=["RET=EVERYTHING"]).mail[0] == 501


def test_smuggled_end_of_data_is_not_taken_as_the_end(start_relay, sink: Sink) -> None:
    app = start_relay()
    body = b"Subject: one\r\n\r\nfirst\n.\nMAIL FROM:<evil@x>\r\nafter\r.\r\nend\r\n"
    with socket.create_connection(("127.0.0.1", app.port), timeout=60) as s:
        f = s.makefile("rwb")
        f.readline()
        for cmd in (
            b"EHLO c",
            b"MAIL FROM:<a@westpark.k12.ca.us>",
            b"RCPT TO:<b@gmail.com>",
            b"DATA",
        ):
            f.write(cmd + b"\r\n")
            f.flush()
            while (reply := f.readline())[3:4] == b"-":
                pass
        f.write(body + b".\r\n")
        f.flush()
        assert f.readline().startswith(b"250")
    [got] = sink.wait_for(1)
    assert b"MAIL FROM:<evil@x>" in got.data and got.data.rstrip().endswith(b"end")
    assert reply.startswith(b"354")


def test_lines_longer_than_1000_octets_pass_unchanged(start_relay, sink: Sink) -> None:
    app = start_relay()
    raw = message(body="A" * 5000 + "\r\n" + "B" * 20000)
    assert send(app.port, raw).final[0] == 250
    [got] = sink.wait_for(1)
    assert got.data.endswith(raw)


def test_25_mb_message_is_relayed_intact(start_relay, sink: Sink) -> None:
    app = start_relay()
    line = "0123456789abcdef" * 4 + "\r\n"
    raw = message(body=line * (25 * 1024 * 1024 // len(line)))
    assert send(app.port, raw).final[0] == 250
    [got] = sink.wait_for(1, timeout=120)
    assert len(got.data) > 25 * 1024 * 1024 - 1000 and got.data.endswith(raw)


def test_swaks_with_pipelining_gets_250_and_the_message_is_relayed(start_relay, sink: Sink) -> None:
    swaks = need("swaks")
    app = start_relay()
    run = subprocess.run(
        [
            swaks,
            "--server",
            f"127.0.0.1:{app.port}",
            "--from",
            "a@westpark.k12.ca.us",
            "--to",
            "b@gmail.com,c@gmail.com",
            "--pipeline",
            "--header",
            "Subject: swaks test",
            "--body",
            "hello from swaks",
            "--timeout",
            "60",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "<-  250 2.0.0 Ok: relayed" in run.stdout
    assert "<-  250-PIPELINING" in run.stdout
    [got] = sink.wait_for(1)
    assert got.recipients == ["b@gmail.com", "c@gmail.com"] and b"hello from swaks" in got.data


def test_metrics_count_each_message_once_and_healthz_answers(start_relay, sink: Sink) -> None:
    port = free_port()
    app = start_relay(metrics={"listen": f"127.0.0.1:{port}"})
    assert send(app.port, message()).final[0] == 250
    assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250
    sink.faults.data = "451 4.3.0 later"
    assert send(app.port, message(body="tempfailed")).final[0] == 451
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30).read().decode()
    assert 'dlp_messages_total{action="relayed",verdict="pass"} 1.0' in text
    assert 'dlp_messages_total{action="held",verdict="quarantine"} 1.0' in text
    assert 'dlp_findings_total{entity="US_SSN"} 1.0' in text
    assert 'dlp_errors_total{kind="next_hop_tempfail"} 1.0' in text
    assert "dlp_quarantine_messages 1.0" in text and "dlp_scan_seconds_bucket" in text
    assert "dlp_scanned_bytes_total" in text
    health = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=30)
    assert health.status == 200
