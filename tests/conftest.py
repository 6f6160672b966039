"""Shared fixtures: one Scanner per test session (it loads spaCy once), corpus paths."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import pytest

from dlp import config
from dlp.config import Settings
from dlp.model import Envelope
from dlp.pipeline import Scanner, ScanResult

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"

WESTPARK_CONFIG = """
district:
  name: West Park School District
  domains: [westpark.k12.ca.us]
recipients:
  authorized:
    - domain: cde.ca.gov
      encryption: tls
    - domain: sis-vendor.example
    - address: records@lincoln-usd.k12.ca.us
relay:
  encrypt_next_hop: 127.0.0.1:10027
encryption:
  subject_tags: ["[secure]", "[encrypt]"]
policy:
  mode: enforce
  bulk_threshold: 10
"""


# labelled mail sets whose verdicts two ways of scanning must agree on (engine shortcuts)
LABELLED_SETS = (
    "blindA",
    "blindB",
    "blindC",
    "blindD",
    "blindE",
    "blindF",
    "blindG",
    "blindH",
    "blindI",
    "blindJ",
    "blindK",
    "blindL",
    "blindM",
    "blindN",
    "blindO",
    "blindP",
    "blindQ",
    "blindR",
    "blindS",
    "blindT",
    "blindU",
    "holdout",
    "holdout2",
    "holdout3",
)


def labelled_folders() -> list[Path]:
    """The kept labelled sets, plus the sample dev corpus when present."""
    folders = [ROOT / "tests" / "fixtures" / "mail" / name for name in LABELLED_SETS]
    return folders + ([CORPUS / "dev"] if (CORPUS / "dev").is_dir() else [])


def corpus_dir(name: str) -> Path:
    path = CORPUS / name
    if not path.is_dir():
        pytest.skip(f"sample corpus {path} is not present")
    return path


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    path = tmp_path_factory.mktemp("cfg") / "config.yaml"
    path.write_text(WESTPARK_CONFIG + f"patterns: {ROOT / 'patterns'}\n")
    return config.load(path)


@pytest.fixture(scope="session")
def scanner(settings: Settings) -> Scanner:
    return Scanner(settings)


def make_message(
    body: str,
    subject: str = "Note",
    to: str = "someone@gmail.com",
    sender: str = "Pat Teacher <pteacher@westpark.k12.ca.us>",
    html: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    return msg.as_bytes()


@pytest.fixture(scope="session")
def scan(scanner: Scanner) -> Callable[..., ScanResult]:
    """scan(body, to=..., subject=...) → ScanResult, recipients from the headers."""

    def run(body: str, rcpt: tuple[str, ...] = (), **kw: str) -> ScanResult:
        raw = make_message(body, **kw)
        return scanner.scan(raw, Envelope("pteacher@westpark.k12.ca.us", rcpt) if rcpt else None)

    return run
