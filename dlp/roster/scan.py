"""The roster's part in a scan: load once, hot-reload, add findings, check guardians.

A `RosterStage` belongs to one `Scanner` (one per worker).  Each scan costs
one `stat()` of the store; when an import has replaced the file the new
roster is loaded and swapped in whole, and if it cannot be read the old one
stays (logged), so a bad import never turns matching off mid-day.  A store
that exists but cannot be used at start-up (missing key, another key) stops
start-up: a roster that silently matches nothing would fail open.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from dlp.config import Settings
from dlp.decide.people import find_mentions
from dlp.detect.names import NER_RECOGNIZER
from dlp.model import Extraction, Finding, TextChunk
from dlp.roster.matcher import RECOGNIZER, Hits, RosterMatcher
from dlp.roster.store import (
    Hasher,
    RosterData,
    RosterError,
    key_check,
    key_is_private,
    load_key,
    read_store,
)

log = logging.getLogger("dlp.roster")

ROSTER_NAME_ROLES = {"roster_student", "roster_staff"}
RECORD_ROLES = {"student_info", "student_record_doc", "staff_info"}


@dataclass(frozen=True)
class RosterScan:
    """A message's findings with the roster's added, and who the roster identified."""

    findings: list[Finding]
    hits: Hits
    matcher: RosterMatcher
    unweighed: list[Finding]  # every NER name kept: any unrostered student bars the guardian rule


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def load_matcher(store: Path, key_file: Path) -> RosterMatcher:
    """The store and its key, checked against each other; RosterError when unusable."""
    data = read_store(store)
    key = load_key(key_file)
    if not key_is_private(key_file):
        log.warning("roster key file %s is readable by group or others; chmod 600 it", key_file)
    if data.meta.get("key_check") != key_check(key):
        raise RosterError(f"roster store {store} was built with another key than {key_file}")
    return RosterMatcher(data, Hasher(key))


class RosterStage:
    """Roster matching for one scanner, reloaded when the store file changes."""

    def __init__(self, settings: Settings) -> None:
        assert settings.roster is not None
        self.settings = settings
        self.store = settings.roster.store_path()
        self.key_file = settings.roster.key_path()
        self.weight = settings.roster.ner_name_weight
        self._seen = _signature(self.store)
        self._matcher = self._empty()
        if self._seen is None:
            log.warning("roster store %s does not exist yet: run `dlp roster import`", self.store)
        else:
            self._matcher = load_matcher(self.store, self.key_file)

    @classmethod
    def from_settings(cls, settings: Settings) -> RosterStage | None:
        return cls(settings) if settings.roster is not None else None

    @staticmethod
    def _empty() -> RosterMatcher:
        return RosterMatcher(RosterData({}, {}), Hasher(b"\0" * 32))

    def matcher(self) -> RosterMatcher:
        """The current roster, reloaded first if an import replaced the store."""
        seen = _signature(self.store)
        if seen != self._seen:
            try:
                self._matcher = load_matcher(self.store, self.key_file) if seen else self._empty()
                log.info("roster store %s reloaded", self.store)
            except RosterError as exc:
                log.error("roster reload failed, keeping the previous roster: %s", exc)
            self._seen = seen
        return self._matcher

    def apply(self, chunks: Sequence[TextChunk], findings: Sequence[Finding]) -> RosterScan:
        """Findings with roster hits appended and unrostered NER names weighed down."""
        matcher = self.matcher()
        record_words = [f for f in findings if f.role in RECORD_ROLES and not f.monitor]
        hits = matcher.match(chunks, record_words)
        names = [f for f in hits.findings if f.role in ROSTER_NAME_ROLES]
        kept = [g for f in findings if (g := self._weigh(f, names)) is not None]
        return RosterScan(kept + hits.findings, hits, matcher, [*findings, *hits.findings])

    def _weigh(self, f: Finding, names: Sequence[Finding]) -> Finding | None:
        """A spaCy name not on the roster counts `ner_name_weight` as much (POLICY-roster 1)."""
        if f.recognizer != NER_RECOGNIZER or self.weight >= 1.0:
            return f
        if any(n.chunk == f.chunk and n.start < f.end and f.start < n.end for n in names):
            return f
        if not self._matcher.data.tables:
            return f  # nothing imported yet: no roster to judge names by
        score = round(f.score * self.weight, 3)
        return replace(f, score=score) if score >= self.settings.detection.min_score else None

    def guardian_only(
        self,
        scan: RosterScan,
        extraction: Extraction,
        authors: Sequence[str],
        external: Sequence[str],
    ) -> bool:
        """Every external recipient is a guardian on record of every student identified,
        and the message identifies no student the roster does not vouch for."""
        students = scan.hits.students
        if not (self.settings.recipients.guardians_from_roster and students and external):
            return False
        if _unrostered_student(scan.unweighed, extraction, authors):
            return False
        return all(scan.matcher.is_guardian(o, rcpt) for o in students for rcpt in external)


def _overlaps_roster(f: Finding, findings: Sequence[Finding], roles: set[str]) -> bool:
    return any(
        g.recognizer == RECOGNIZER
        and g.role in roles
        and g.chunk == f.chunk
        and g.start < f.end
        and f.start < g.end
        for g in findings
    )


def _unrostered_student(
    findings: Sequence[Finding], extraction: Extraction, authors: Sequence[str]
) -> bool:
    """A student named or numbered in the message who is not a roster match ("another student")."""
    for f in findings:
        rostered = f.recognizer == RECOGNIZER or _overlaps_roster(f, findings, {"student_id"})
        if f.role == "student_id" and not rostered:
            return True
    for m in find_mentions(extraction, findings, authors):
        f = findings[m.finding]
        if m.role == "student" and f.role not in ROSTER_NAME_ROLES:
            return True
    return False
