"""A throwaway Postfix for end-to-end tests (recipe: /work/shared/notes/postfix-test-rig.md).

Postfix (test port, content_filter → dlp) → `dlp serve` → Postfix re-injection
listener (filter off) → `smtp-sink`, which writes every delivered message to a
file. Postfix run as root only accepts a config folder listed in the default
main.cf, so the rig lives in one fixed folder and registers it there.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .util import free_port, wait_until, write_settings

BASE = Path("/var/tmp/dlp-test-postfix")
FAST_RETRY = {  # Postfix retries deferred mail within seconds instead of minutes
    "queue_run_delay": "1s", "minimal_backoff_time": "1s", "maximal_backoff_time": "2s",
    "smtp_connect_timeout": "5s", "delay_warning_time": "0",
}  # fmt: skip


def _run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=check)


class PostfixRig:
    def __init__(self) -> None:
        if os.geteuid() != 0 or (
            not shutil.which("postfix") and not Path("/usr/sbin/postfix").exists()
        ):
            pytest.skip("needs root and Debian postfix")
        self.d = BASE
        self.etc = BASE / "etc"
        self.sink_dir = BASE / "sink"
        self.port, self.filter_port, self.reinject_port, self.sink_port = (
            free_port(), free_port(), free_port(), free_port())  # fmt: skip
        self._sink: subprocess.Popen[bytes] | None = None

    def postconf(self, *settings: str) -> None:
        _run("postconf", "-c", str(self.etc), "-e", *settings)

    def setup(self) -> None:
        self.stop()
        shutil.rmtree(self.d, ignore_errors=True)
        for sub in ("etc", "spool", "data", "sink"):
            (self.d / sub).mkdir(parents=True)
        shutil.chown(self.d / "data", "postfix")
        shutil.chown(self.sink_dir, "postfix")
        default_main = Path("/etc/postfix/main.cf")
        if not default_main.exists():
            default_main.write_text("compatibility_level = 3.6\n")
        _run("postconf", "-e", f"alternate_config_directories={self.etc}")
        (self.etc / "main.cf").write_text("compatibility_level = 3.6\n")
        shutil.copy("/etc/postfix/master.cf", self.etc / "master.cf")
        d = self.d
        self.postconf(
            f"queue_directory={d / 'spool'}", f"data_directory={d / 'data'}",
            "inet_interfaces=127.0.0.1", "inet_protocols=ipv4", "mydestination=",
            f"relayhost=[127.0.0.1]:{self.sink_port}", "mynetworks=127.0.0.0/8",
            "smtpd_recipient_restrictions=permit_mynetworks,reject",
            f"maillog_file={d / 'maillog'}", f"maillog_file_prefixes=/var,/dev/stdout,{d}",
            "myhostname=mx.westpark.k12.ca.us", "smtputf8_enable=yes",
            *(f"{k}={v}" for k, v in FAST_RETRY.items()),
        )  # fmt: skip
        self._write_master()

    def _write_master(self) -> None:
        master = self.etc / "master.cf"
        lines = [
            ln for ln in master.read_text().splitlines() if not ln.startswith("smtp      inet")
        ]
        lines += [
            f"127.0.0.1:{self.port} inet n - n - - smtpd",
            f"  -o content_filter=dlp:[127.0.0.1]:{self.filter_port}",
            "dlp unix - - n - 4 smtp",
            "  -o smtp_data_done_timeout=1200", "  -o smtp_send_xforward_command=no",
            "  -o disable_mime_output_conversion=yes", "  -o smtp_tls_security_level=none",
            f"127.0.0.1:{self.reinject_port} inet n - n - - smtpd",
            "  -o content_filter=",
            "  -o receive_override_options="
            "no_unknown_recipient_checks,no_header_body_checks,no_milters",
            "  -o smtpd_recipient_restrictions=permit_mynetworks,reject",
            "  -o mynetworks=127.0.0.0/8",
        ]  # fmt: skip
        master.write_text("\n".join(lines) + "\n")

    def start(self) -> None:
        self.start_sink()
        _run("postfix", "-c", str(self.etc), "start")
        assert wait_until(lambda: _listening(self.port), 30), self.log()

    def start_sink(
        self, port: int | None = None, folder: Path | None = None, *faults: str
    ) -> subprocess.Popen[bytes]:
        """smtp-sink writing one file per message; `faults` are extra smtp-sink options."""
        folder = folder or self.sink_dir
        folder.mkdir(exist_ok=True)
        shutil.chown(folder, "postfix")
        proc = subprocess.Popen(
            [
                "smtp-sink",
                "-u",
                "postfix",
                *faults,
                "-d",
                f"{folder}/%M.",
                f"127.0.0.1:{port or self.sink_port}",
                "100",
            ]
        )
        assert wait_until(lambda: _listening(port or self.sink_port), 20)
        if port is None:
            self._sink = proc
        return proc

    def stop(self) -> None:
        if (self.etc / "main.cf").exists():
            _run("postfix", "-c", str(self.etc), "stop", check=False)
        if self._sink is not None:
            self._sink.terminate()
            self._sink.wait(10)
            self._sink = None

    def flush(self) -> None:
        _run("postqueue", "-c", str(self.etc), "-f", check=False)

    def queue_empty(self) -> bool:
        out = _run("postqueue", "-c", str(self.etc), "-j", check=False).stdout
        return not out.strip()

    def delivered(self, folder: Path | None = None) -> list[bytes]:
        return [p.read_bytes() for p in sorted((folder or self.sink_dir).glob("*")) if p.is_file()]

    def clear_queue(self) -> None:
        """Drop whatever an earlier test left queued, so its mail is not counted here."""
        _run("postsuper", "-c", str(self.etc), "-d", "ALL", check=False)

    def clear_sink(self) -> None:
        for p in self.sink_dir.glob("*"):
            p.unlink()

    def log(self) -> str:
        path = self.d / "maillog"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no maillog)"


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DlpProcess:
    """`dlp serve` as a real process (real scanner), as Postfix would talk to it."""

    def __init__(self, folder: Path, rig: PostfixRig, next_hop: int | None = None) -> None:
        self.metrics_port = free_port()
        self.config = write_settings(
            folder,
            {"listen": f"127.0.0.1:{rig.filter_port}",
             "next_hop": f"127.0.0.1:{next_hop or rig.reinject_port}", "workers": 2,
             "message_timeout": 60, "next_hop_timeout": 15},
            metrics={"listen": f"127.0.0.1:{self.metrics_port}"},
        )  # fmt: skip
        self.port = rig.filter_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = folder / "dlp.log"

    def start(self) -> DlpProcess:
        code = (
            "import sys; from dlp import config, serve; "
            "sys.exit(serve.run(config.load(sys.argv[1])))"
        )
        # a listener still on the port (the relay of the test before, not yet gone) would
        # pass the check below while this one fails to bind
        assert wait_until(lambda: not _listening(self.port), 60), f"port {self.port} in use"
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", code, str(self.config)], stderr=log, start_new_session=True
            )
        assert wait_until(lambda: _listening(self.port) or self.proc.poll() is not None, 120)
        assert self.proc.poll() is None, self.log.read_text()[-3000:]
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """SIGKILL hits the whole group (as systemd would); SIGTERM only the main process."""
        if self.proc is not None and self.proc.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(self.proc.pid, sig)
            else:
                self.proc.send_signal(sig)
            self.proc.wait(120)
            if sig == signal.SIGKILL:  # its workers too, before the next relay takes the port
                wait_until(lambda: not _group_alive(self.proc.pid), 60)  # type: ignore[union-attr]
        self.proc = None

    def metric(self, name: str) -> float:
        import urllib.request

        text = urllib.request.urlopen(
            f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10
        ).read()
        for line in text.decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return 0.0


def wait_delivered(rig: PostfixRig, count: int, timeout: float = 90) -> list[bytes]:
    """Poll the sink (flushing Postfix's queue now and then) until `count` messages arrived."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and len(rig.delivered()) < count:
        rig.flush()
        time.sleep(1)
    return rig.delivered()
