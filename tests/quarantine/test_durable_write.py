"""A failed durable write (disk full, file too large) leaves no temporary file behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_WRITE = """
import resource, signal, sys
from pathlib import Path
from dlp.quarantine.durable import write_durably
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a signal, like ENOSPC
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_durably(Path(sys.argv[1]), b"x" * 100_000)
except OSError as exc:
    print(exc.errno)
"""


def test_a_write_that_fails_for_lack_of_space_removes_its_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "message.eml"
    out = subprocess.run(
        [sys.executable, "-c", _WRITE, str(target)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip(), "the write should have failed"
    assert list(tmp_path.iterdir()) == []
