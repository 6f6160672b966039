"""The worker pool for real: deadlines kill stuck workers, crashes rebuild it, reload swaps."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from dlp.receive.pool import ProcessScanPool

from .client import message, send
from .sink import Sink
from .util import load_settings


def test_hung_scan_is_killed_at_the_deadline_while_other_sessions_proceed(
    start_relay, sink: Sink
) -> None:
    app = start_relay(pool=True, relay={"message_timeout": 4, "workers": 2})
    hung: list[tuple[int, str]] = []
    t = threading.Thread(target=lambda: hung.append(send(app.port, message(body="HANG")).final))
    t.start()
    assert send(app.port, message(body="meanwhile")).final[0] == 250
    t.join(60)
    assert hung[0][0] == 451 and hung[0][1].startswith("4.3.0")
    assert send(app.port, message(body="after")).final[0] == 250
    assert len(sink.wait_for(2)) == 2


def test_worker_crash_gives_451_and_the_pool_is_rebuilt(start_relay, sink: Sink) -> None:
    app = start_relay(pool=True)
    assert send(app.port, message(body="CRASH")).final[0] == 451
    assert send(app.port, message(body="fine")).final[0] == 250
    rebuilds = app.app.metrics.registry.get_sample_value("dlp_scan_pool_rebuilds_total")
    assert rebuilds is not None and rebuilds >= 1


def test_scanner_exception_in_a_worker_gives_451(start_relay) -> None:
    app = start_relay(pool=True)
    code, text = send(app.port, message(body="RAISE")).final
    assert code == 451 and text.startswith("4.3.0")


def test_pool_start_fails_loudly_when_the_scanner_cannot_be_built(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    pool = ProcessScanPool(settings, "dlp.no_such_module:Scanner")
    with pytest.raises(RuntimeError, match="no_such_module"):
        asyncio.run(pool.start(timeout=120))


def test_reload_with_a_broken_config_keeps_the_running_one(start_relay, tmp_path: Path) -> None:
    app = start_relay(pool=True)
    before = app.app.settings
    (tmp_path / "config.yaml").write_text("relay:\n  workers: many\n")
    assert app.call(app.app.reload()) is False
    assert app.app.settings is before
    assert send(app.port, message()).final[0] == 250


def test_reload_with_a_good_config_applies_it(start_relay, sink: Sink, tmp_path: Path) -> None:
    app = start_relay(pool=True)
    text = (tmp_path / "config.yaml").read_text().replace("mode: enforce", "mode: monitor")
    text += "policy:\n  mode: monitor\n" if "policy:" not in text else ""
    (tmp_path / "config.yaml").write_text(text)
    assert app.call(app.app.reload()) is True
    assert app.app.settings.policy.mode == "monitor"
    assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250
    [got] = sink.wait_for(1)  # monitor mode relays instead of holding
    assert b"X-DLP-Verdict: quarantine (monitor mode: pass)" in got.data


def test_after_a_crash_the_next_message_is_not_charged_for_the_workers_restart(
    sink: Sink, tmp_path: Path
) -> None:
    from dlp.serve import RelayApp

    from .fakes import SLOW_START_FACTORY
    from .util import AppThread

    settings = load_settings(
        tmp_path, {"next_hop": f"127.0.0.1:{sink.port}", "message_timeout": 2, "workers": 1}
    )
    app = AppThread(RelayApp(settings, ProcessScanPool(settings, SLOW_START_FACTORY))).start()
    try:
        assert send(app.port, message(body="CRASH")).final[0] == 451
        # the pool restarts (3 s to build a scanner, more than the 2 s message deadline)
        assert send(app.port, message(body="after the crash")).final[0] == 250
    finally:
        app.stop()


def _renewals(app) -> float:
    value = app.app.metrics.registry.get_sample_value("dlp_scan_worker_renewals_total")
    return value or 0.0


def test_a_worker_past_its_memory_limit_is_replaced_without_losing_mail(
    start_relay, sink: Sink
) -> None:
    app = start_relay(pool=True, relay={"workers": 1, "worker_memory_mb": 300})
    assert send(app.port, message(body="before")).final[0] == 250
    [first] = app.app.scanning.worker_pids()
    assert send(app.port, message(body="GROW=400")).final[0] == 250  # its own message passes
    sent = 2
    deadline = time.monotonic() + 120
    while _renewals(app) < 1 and time.monotonic() < deadline:
        # the old worker keeps taking mail while the fresh one starts
        assert send(app.port, message(body=f"during {sent}")).final[0] == 250
        sent += 1
    assert _renewals(app) == 1
    for i in range(3):
        assert send(app.port, message(body=f"after {i}")).final[0] == 250
    sent += 3
    assert len(sink.wait_for(sent)) == sent
    assert app.app.scanning.worker_pids() != [first]
    assert app.app.scanning.largest_worker_rss() < 300 * 1024 * 1024
    assert _renewals(app) == 1  # the fresh worker is under the limit: no churn


def test_worker_memory_is_reported_and_a_zero_limit_never_replaces_workers(
    start_relay, sink: Sink
) -> None:
    app = start_relay(pool=True, relay={"workers": 1, "worker_memory_mb": 0})
    [worker] = app.app.scanning.worker_pids()
    for _ in range(2):
        assert send(app.port, message(body="GROW=150")).final[0] == 250
    rss = app.app.metrics.registry.get_sample_value("dlp_scan_worker_resident_bytes")
    assert rss is not None and rss > 300 * 1024 * 1024  # both growths, as the worker reported
    assert app.app.scanning.worker_pids() == [worker]
    assert _renewals(app) == 0
    assert len(sink.wait_for(2)) == 2


def test_a_renewal_that_ends_after_a_reload_leaves_the_reloaded_set_running(
    start_relay, sink: Sink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = start_relay(pool=True, relay={"workers": 1, "worker_memory_mb": 300})
    monkeypatch.setenv("DLP_FAKE_START_SECONDS", "4")  # the renewal's worker starts slowly
    assert send(app.port, message(body="GROW=400")).final[0] == 250
    time.sleep(1)  # its worker has been spawned
    assert app.app.scanning.renewing
    monkeypatch.delenv("DLP_FAKE_START_SECONDS")
    text = (tmp_path / "config.yaml").read_text()
    text += "policy:\n  mode: monitor\n" if "policy:" not in text else ""
    (tmp_path / "config.yaml").write_text(text.replace("mode: enforce", "mode: monitor"))
    assert app.call(app.app.reload()) is True  # done while the renewal is still starting
    assert app.app.scanning.renewing
    deadline = time.monotonic() + 60
    while app.app.scanning.renewing and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not app.app.scanning.renewing
    # the renewal's set, built with the old config, was dropped: the reloaded one takes mail
    assert send(app.port, message(body="VERDICT=quarantine")).final[0] == 250
    got = sink.wait_for(2)
    assert b"X-DLP-Verdict: quarantine (monitor mode: pass)" in got[-1].data
    assert app.app.scanning.largest_worker_rss() < 300 * 1024 * 1024


def test_stopping_during_a_renewal_leaves_no_worker_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    from .fakes import FACTORY

    settings = load_settings(tmp_path, {"workers": 1, "worker_memory_mb": 300})

    async def grow_then_stop() -> None:
        pool = ProcessScanPool(settings, FACTORY)
        await pool.start(timeout=120)
        monkeypatch.setenv("DLP_FAKE_START_SECONDS", "3")  # the renewal's worker starts slowly
        summary = await pool.scan(message(body="GROW=400"), "a@westpark.k12.ca.us", ("b@x.org",))
        assert summary.verdict == "pass"
        await asyncio.sleep(0.5)
        assert pool.renewing
        await asyncio.to_thread(pool.close)  # as `dlp serve` stops it

    asyncio.run(grow_then_stop())
    assert multiprocessing.active_children() == []
