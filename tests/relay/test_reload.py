"""Reloading a running relay: every reload takes effect, a broken file keeps the running set."""

from __future__ import annotations

from pathlib import Path

from dlp.receive import patterns_live

from .client import message, send
from .sink import Sink

PATTERN = """recognizers:
  - name: local_badge
    supported_entity: LOCAL_BADGE
    role: staff_id
    mode: {mode}
    description: Staff badge number.
    patterns:
      - name: badge
        regex: 'BADGE-\\d{{6}}'
        score: 0.9
"""


def _loaded(app, mode: str) -> float:
    value = app.app.metrics.registry.get_sample_value("dlp_patterns_loaded", {"mode": mode})
    return value or 0.0


def test_five_reloads_in_a_row_each_take_effect_and_a_broken_file_keeps_the_set(
    start_relay, sink: Sink, tmp_path: Path
) -> None:
    folder = tmp_path / "patterns"
    folder.mkdir()
    (folder / "local.yaml").write_text(PATTERN.format(mode="monitor"))
    app = start_relay(pool=True, patterns=str(folder), policy={"mode": "enforce"})
    config = tmp_path / "config.yaml"
    base = config.read_text()
    assert _loaded(app, "monitor") == 1

    for n in range(1, 6):
        pattern_mode = "enforce" if n % 2 else "monitor"
        policy_mode = "monitor" if n % 2 else "enforce"
        (folder / "local.yaml").write_text(PATTERN.format(mode=pattern_mode))
        config.write_text(base.replace("mode: enforce", f"mode: {policy_mode}"))
        assert app.call(app.app.reload()) is True, f"reload {n} refused"
        assert _loaded(app, pattern_mode) == 1
        assert app.app.settings.policy.mode == policy_mode
        # the workers run the new set: monitor mode relays a message enforce mode would hold
        code, _ = send(app.port, message(body="VERDICT=quarantine")).final
        assert code == 250
        delivered = len(sink.messages)
        assert delivered == (n + 1) // 2, f"reload {n}: workers still on the old policy"

        if n == 2:  # an operator's typo between two good reloads
            (folder / "broken.yaml").write_text("recognizers: [\n  - name: x\n")
            config.write_text(base.replace("mode: enforce", "mode: monitor"))
            assert app.call(app.app.reload()) is False
            assert app.app.settings.policy.mode == policy_mode
            assert _loaded(app, pattern_mode) == 1
            (folder / "broken.yaml").unlink()

    reloads = app.app.metrics.registry.get_sample_value(
        "dlp_config_reloads_total", {"result": "ok"}
    )
    assert reloads == 5


def test_a_relay_start_removes_snapshot_folders_left_by_a_dead_relay(tmp_path: Path) -> None:
    dead = tmp_path / f"{patterns_live.PREFIX}999999999-abc"
    (dead / "set-1").mkdir(parents=True)
    live = patterns_live.Snapshots(tmp_path)
    try:
        assert not dead.exists()
        assert list(tmp_path.glob(f"{patterns_live.PREFIX}*")) == [live._root]
    finally:
        live.close()
    assert not list(tmp_path.glob(f"{patterns_live.PREFIX}*"))
