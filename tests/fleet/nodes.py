"""`dlp serve` processes as the nodes of a fleet: own folders, own loopback ports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tests.conftest import ROOT
from tests.relay.util import free_port

STARTUP_SECONDS = 300  # spaCy loads in the worker: seconds, or minutes on a loaded machine


class Node:
    """One relay: its config, pattern folder and data folder live under `home`."""

    def __init__(
        self, home: Path, name: str, sections: dict[str, Any], poll_seconds: float = 0.5
    ) -> None:
        self.home, self.name = home, name
        self.port, self.metrics_port = free_port(), free_port()
        self.patterns = home / "patterns"
        if not self.patterns.exists():
            shutil.copytree(ROOT / "patterns", self.patterns)
        data: dict[str, Any] = {
            "district": {"name": "West Park", "domains": ["westpark.k12.ca.us"]},
            "patterns": str(self.patterns),
            "detection": {"poll_seconds": poll_seconds},
            "metrics": {"listen": f"127.0.0.1:{self.metrics_port}"},
            "review": {"listen": None},
            "node": {"name": name},
            **sections,
        }
        relay = dict(sections.get("relay", {}))
        data["relay"] = {**relay, "listen": f"127.0.0.1:{self.port}", "workers": 1}
        self.config = home / "config.yaml"
        self.config.write_text(yaml.safe_dump(data))
        self.log = home / "serve.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def launch(self) -> Node:
        env = {**os.environ, "DLP_DATA_DIR": str(self.home / "data"), "PYTHONPATH": str(ROOT)}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "dlp", "serve", "--config", str(self.config)],
                stdout=log, stderr=log, env=env,
            )  # fmt: skip
        return self

    def ready(self) -> Node:
        wait_for(lambda: self.healthz() is not None, STARTUP_SECONDS, f"{self.name} to start", self)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def healthz(self) -> dict[str, Any] | None:
        """The /healthz body (whatever the status code), None while not listening."""
        url = f"http://127.0.0.1:{self.metrics_port}/healthz"
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                return dict(json.loads(reply.read()))
        except urllib.error.HTTPError as exc:
            return dict(json.loads(exc.read()))
        except OSError:
            if self.proc is not None and self.proc.poll() is not None:
                tail = self.log.read_text()[-3000:]
                raise AssertionError(f"{self.name} exited:\n{tail}") from None
            return None

    def metrics(self) -> str:
        url = f"http://127.0.0.1:{self.metrics_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as reply:
            return str(reply.read().decode())


def wait_for(check: Callable[[], Any], seconds: float, what: str, node: Node | None = None) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            tail = node.log.read_text()[-3000:] if node is not None else ""
            raise AssertionError(f"timed out waiting for {what}\n{tail}")
        time.sleep(0.2)
