"""Hot reload: a broken pattern edit is refused and counted while the relay keeps serving."""

from __future__ import annotations

from pathlib import Path

from dlp.receive.pool import DEFAULT_FACTORY, ProcessScanPool
from dlp.serve import RelayApp
from tests.relay.client import message, send
from tests.relay.sink import Sink
from tests.relay.util import AppThread, InlineScanning, free_port, load_settings, wait_until

from .conftest import lincoln

BROKEN = "recognizers:\n  - name: broken\n    supported_entity: BROKEN\n    role: student_id\n" \
         "    patterns:\n      - {name: x, regex: '(unclosed', score: 0.6}\n"  # fmt: skip


def metric(app: AppThread, name: str, **labels: str) -> float:
    return app.app.metrics.registry.get_sample_value(name, labels) or 0.0


def start(
    tmp_path: Path, sink: Sink, patterns: Path, pool: bool = False, **detection: object
) -> AppThread:
    settings = load_settings(tmp_path, {"next_hop": f"127.0.0.1:{sink.port}", "workers": 1},
                             patterns=str(patterns), detection=detection)  # fmt: skip
    scanning = ProcessScanPool(settings, DEFAULT_FACTORY) if pool else InlineScanning(settings)
    return AppThread(RelayApp(settings, scanning=scanning if not pool else None)).start()


def test_sighup_reload_refuses_a_broken_file_and_keeps_serving(
    tmp_path: Path, shipped_copy: Path
) -> None:
    sink = Sink(free_port())
    sink.start()
    app = start(tmp_path, sink, shipped_copy)
    try:
        (shipped_copy / "broken.yaml").write_text(BROKEN)
        assert app.call(app.app.reload()) is False
        assert metric(app, "dlp_pattern_reload_errors_total", trigger="sighup") == 1
        assert metric(app, "dlp_config_reloads_total", result="failed") == 1
        assert send(app.port, message()).final[0] == 250
        (shipped_copy / "broken.yaml").write_text(lincoln("monitor"))
        assert app.call(app.app.reload()) is True
        assert metric(app, "dlp_patterns_loaded", mode="monitor") == 1
    finally:
        app.stop()
        sink.stop()


def test_watched_folder_reloads_on_edit_and_refuses_a_broken_one(
    tmp_path: Path, shipped_copy: Path
) -> None:
    sink = Sink(free_port())
    sink.start()
    hop = {"next_hop": f"127.0.0.1:{sink.port}"}
    watch = {"watch_patterns": True}
    settings = load_settings(tmp_path, hop, patterns=str(shipped_copy), detection=watch)
    relay = RelayApp(settings, scanning=InlineScanning(settings))
    relay.watcher.interval = 0.1
    app = AppThread(relay).start()
    try:
        (shipped_copy / "broken.yaml").write_text(BROKEN)
        assert wait_until(
            lambda: metric(app, "dlp_pattern_reload_errors_total", trigger="watch") == 1
        )
        assert send(app.port, message()).final[0] == 250
        (shipped_copy / "broken.yaml").write_text(lincoln("monitor"))
        assert wait_until(lambda: metric(app, "dlp_patterns_loaded", mode="monitor") == 1)
    finally:
        app.stop()
        sink.stop()


def test_real_workers_count_monitor_hits_by_recognizer_and_read_a_snapshot(
    tmp_path: Path, shipped_copy: Path
) -> None:
    (shipped_copy / "lincoln.yaml").write_text(lincoln("monitor"))
    sink = Sink(free_port())
    sink.start()
    app = start(tmp_path, sink, shipped_copy, pool=True)
    try:
        body = "Transfer note: Lincoln student ID LUSD-482913 moves to room 12."
        assert send(app.port, message(body=body)).final[0] == 250  # monitor: relayed
        assert len(sink.wait_for(1)) == 1
        hits = metric(
            app, "dlp_pattern_hits_total", recognizer="lincoln_student_id", mode="monitor"
        )
        assert hits == 1
        (shipped_copy / "lincoln.yaml").write_text(BROKEN)  # a later crash-restart must not read it
        assert app.app.scanning._gen.settings.patterns != shipped_copy  # type: ignore[attr-defined]
        assert send(app.port, message(body="still fine")).final[0] == 250
    finally:
        app.stop()
        sink.stop()
