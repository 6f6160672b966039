"""Every dashboard panel has a series from start-up, and a per-pattern panel exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import ROOT

DASHBOARD = ROOT / "deploy" / "grafana" / "dlp-relay.json"


def _panel_metrics() -> dict[str, set[str]]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return {
        p["title"]: {m for t in p["targets"] for m in re.findall(r"dlp_[a-z_]+", t["expr"])}
        for p in panels
    }


def test_every_panel_has_a_series_as_soon_as_the_relay_starts(start_relay, tmp_path: Path) -> None:
    app = start_relay(patterns=str(ROOT / "patterns"))
    exposed = app.app.metrics.render().decode()
    samples = {line.split("{")[0].split(" ")[0] for line in exposed.splitlines() if line[:1] != "#"}
    missing = {
        title: sorted(names - samples)
        for title, names in _panel_metrics().items()
        if names - samples
    }
    assert missing == {}


def test_the_dashboard_has_a_per_pattern_panel_fed_from_start_up(start_relay) -> None:
    panels = _panel_metrics()
    assert any("dlp_pattern_hits_total" in names for names in panels.values())
    app = start_relay(patterns=str(ROOT / "patterns"))
    registry = app.app.metrics.registry
    assert app.app.patterns.recognizers
    for r in app.app.patterns.recognizers:
        labels = {"recognizer": r.name, "mode": r.mode}
        assert registry.get_sample_value("dlp_pattern_hits_total", labels) == 0
