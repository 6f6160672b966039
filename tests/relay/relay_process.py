"""`dlp serve` as a real process with the marker scanner, for signal and process-tree tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from . import fakes
from .util import free_port, wait_until, write_settings

_CODE = (
    "import sys; from dlp import config, serve; import dlp.receive.pool as pool; "
    "pool.DEFAULT_FACTORY = sys.argv[2]; sys.exit(serve.run(config.load(sys.argv[1])))"
)


class RelayProcess:
    """Starts `serve.run` in a new session; `stop()` kills whatever is left of its group."""

    def __init__(self, folder: Path, next_hop: int, **relay: object) -> None:
        self.port = free_port()
        self.config = write_settings(
            folder,
            {"listen": f"127.0.0.1:{self.port}", "next_hop": f"127.0.0.1:{next_hop}", **relay},
            review={"listen": f"127.0.0.1:{free_port()}"},
        )
        self.log = folder / "dlp.log"
        tests = str(Path(fakes.__file__).resolve().parents[1])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, *sys.path])}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _CODE, str(self.config), fakes.FACTORY],
                stderr=log,
                env=env,
                start_new_session=True,
            )

    def listening(self) -> bool:
        with socket.socket() as s:
            s.settimeout(0.2)
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def wait_listening(self, timeout: float = 120) -> None:
        assert wait_until(lambda: self.listening() or self.proc.poll() is not None, timeout)
        assert self.proc.poll() is None, self.log.read_text()[-3000:]

    def children(self) -> set[int]:
        return {pid for pid, ppid in _processes().items() if ppid == self.proc.pid}

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)
        for left in Path(tempfile.gettempdir()).glob(f"dlp-patterns-{self.proc.pid}-*"):
            shutil.rmtree(left, ignore_errors=True)  # what a killed relay leaves for the next


def _processes() -> dict[int, int]:
    """pid → parent pid of every live (not zombie) process, from /proc."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":
                out[int(entry.name)] = int(fields[1])
    return out


def alive(pid: int) -> bool:
    return pid in _processes()
