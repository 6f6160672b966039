"""`dlp roster import` into the shared database (`roster.store: postgresql://...`).

The import is built exactly as for a local store, in a private temporary
file (seeded with the active shared roster, so a population not given is
carried over), and the finished store file is published as the new roster
every node installs.  Only keyed hashes leave this machine; every node needs
the same `roster.key_file`, distributed like any other secret.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from dlp.config import RosterSection, Settings
from dlp.fleet.shared import SharedState
from dlp.fleet.versions import bytes_version
from dlp.roster.importer import ImportSummary, Progress, run_import
from dlp.roster.store import RosterData, RosterError, read_store


def import_shared(
    settings: Settings,
    section: RosterSection,
    students: Path | None,
    staff: Path | None,
    progress: Progress,
) -> ImportSummary:
    url = section.store_url()
    assert url is not None
    shared = SharedState.connect(url, settings.node.name, connect_timeout=10)
    active = shared.active_roster()
    with tempfile.TemporaryDirectory(prefix="dlp-roster-import-") as tmp:
        local = Path(tmp) / "roster.db"
        if active is not None:
            local.write_bytes(active[1])
        work = section.model_copy(update={"store": str(local)})
        summary = run_import(work, students, staff, progress)
        data = local.read_bytes()
    version = bytes_version(data)
    shared.publish_roster(version, data)
    return dataclasses.replace(summary, shared_version=version)


def read_shared(settings: Settings, section: RosterSection) -> tuple[str, RosterData]:
    """`dlp roster status` of a shared roster: what the database's active roster holds."""
    url = section.store_url()
    assert url is not None
    active = SharedState.connect(url, settings.node.name, connect_timeout=10).active_roster()
    if active is None:
        raise RosterError("the shared database holds no roster yet: run `dlp roster import`")
    with tempfile.TemporaryDirectory(prefix="dlp-roster-status-") as tmp:
        local = Path(tmp) / "roster.db"
        local.write_bytes(active[1])
        return f"shared roster {active[0]}", read_store(local)
