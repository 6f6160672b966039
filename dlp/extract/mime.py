"""Bytes → every readable piece of a message: subject, bodies, attachments.

Parsing uses the standard `email` package (`policy.default`, its header
parsing cached: `email_policy.py`).  Where a mail client would read a broken
or ambiguous message differently, `lenient/` writes out each client reading
and the same walk scans those too (the rules are listed in `lenient/rules.py`);
what cannot be parsed becomes `Unscannable` with the reason, never an exception.
Encrypted content (S/MIME enveloped-data, PGP/MIME, inline PGP) is detected
here; signed messages are walked as ordinary mail (opaque S/MIME signed-data
unwrapped) and their signatures skipped.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, replace
from datetime import date
from email.message import EmailMessage, Message
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime

from dlp.extract import formats as _formats  # noqa: F401  (registers the format plug-ins)
from dlp.extract.base import Blob, Budget, Context, LimitExceeded, Limits
from dlp.extract.decode import decode_text, decodes_to_binary
from dlp.extract.email_policy import POLICY
from dlp.extract.formats.html import html_to_text
from dlp.extract.lenient import transfer
from dlp.extract.lenient.headers import split_entity
from dlp.extract.lenient.readings import readings
from dlp.extract.registry import SNIFF_BYTES, Result, choose, extract_blob, media_kind
from dlp.extract.smime import SIGNED, cms_type, signed_content
from dlp.extract.table import relabel_text_tables
from dlp.model import Extraction, NotInspected, TextChunk, Unscannable

MAX_MIME_DEPTH = 30  # multipart nesting; real mail stays under 10, bombs go to thousands
MAX_MIME_PARTS = 500  # parts per message; a newsletter has tens, a bomb has millions
RECIPIENT_HEADERS = ("to", "cc", "bcc", "resent-to", "resent-cc")

_PGP_BLOCK = re.compile(
    r"-----BEGIN PGP MESSAGE-----.*?(?:-----END PGP MESSAGE-----|\Z)", re.DOTALL
)
_SMIME_TYPES = ("application/pkcs7-mime", "application/x-pkcs7-mime")
_SIGNATURE_TYPES = (
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
)


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, _class=EmailMessage, policy=POLICY)
    assert isinstance(msg, EmailMessage)
    return msg


def header_text(msg: Message, name: str) -> str:
    """A header as readable text (RFC 2047 decoded); '' when absent or undecodable."""
    try:
        value = msg.get(name)
    except Exception:  # a header the parser cannot even represent
        return ""
    return str(value) if value is not None else ""


def header_recipients(msg: Message, raw: bytes = b"") -> tuple[str, ...]:
    """Addresses in To, Cc, Bcc, Resent-To, Resent-Cc (for files scanned from disk).

    The raw header block is read the forgiving way too: `To : x` (a space before
    the colon) ends the strict parser's headers, but mail clients still show it.
    """
    values: list[str] = []
    for name in RECIPIENT_HEADERS:
        try:
            values.extend(str(v) for v in msg.get_all(name, []))
        except Exception:
            continue
    values.extend(f.value for f in split_entity(raw)[0] if f.name in RECIPIENT_HEADERS)
    seen: dict[str, None] = {}
    for _, addr in getaddresses(values):
        if "@" in addr:
            seen.setdefault(addr.strip(), None)
    return tuple(seen)


def header_sender(msg: Message) -> str:
    pairs = getaddresses([header_text(msg, "from")])
    return pairs[0][1] if pairs else ""


class _Walker:
    """One message's walk: collects results and the encryption flags as it goes."""

    def __init__(self, limits: Limits) -> None:
        self.ctx = Context(Budget(limits))
        self.results: list[Result] = []
        self.encrypted_parts = 0
        self.parts = 0
        self.truncated = False
        self.over_limit = False

    def add(self, item: Result) -> None:
        """Keep a result, cutting text off at the per-message text budget (fail closed)."""
        if isinstance(item, TextChunk):
            budget = self.ctx.budget
            room = budget.limits.max_text_chars - budget.text_chars
            if room <= 0 or len(item.text) > room:
                if not self.truncated:
                    limit = budget.limits.max_text_chars // 1_000_000
                    self.results.append(
                        Unscannable(item.where, f"text beyond {limit} M characters not scanned")
                    )
                    self.truncated = True
                if room <= 0:
                    return
                item = TextChunk(item.where, item.text[:room], item.kind)
            budget.text_chars += len(item.text)
        self.results.append(item)

    def message(self, msg: Message, where: str, depth: int) -> None:
        subject = header_text(msg, "subject")
        if subject:
            self.add(TextChunk(_join(where, "subject"), subject))
        self.part(msg, _join(where, "body"), depth)

    def part(self, part: Message, where: str, depth: int) -> None:
        self.parts += 1
        if depth > MAX_MIME_DEPTH or self.parts > MAX_MIME_PARTS:
            if not self.over_limit:  # report the cut once, not for every part beyond it
                self.over_limit = True
                limit = (
                    f"deeper than {MAX_MIME_DEPTH} levels"
                    if depth > MAX_MIME_DEPTH
                    else (f"more than {MAX_MIME_PARTS} parts")
                )
                self.add(Unscannable(where, f"MIME structure {limit}; the rest was not scanned"))
            return
        ctype = part.get_content_type()
        if ctype == "multipart/encrypted":
            self._encrypted(where, "PGP/MIME encrypted content")
        elif ctype in _SMIME_TYPES or _filename(part).lower().endswith(".p7m"):
            self._smime(part, where, depth)
        elif ctype in _SIGNATURE_TYPES:
            return  # the signature itself carries no text; the signed part is walked
        elif ctype in ("message/rfc822", "message/global"):
            self._attached_message(part, where, depth)
        elif part.is_multipart() or ctype.startswith("multipart/"):
            self._children(part, where, depth)
        elif _is_attachment(part):
            self._attachment(part, depth)
        elif ctype in ("text/plain", "text/html", "text/enriched", ""):
            self._body_text(part, where, ctype)
        else:
            self._attachment(part, depth)

    def _children(self, part: Message, where: str, depth: int) -> None:
        payload = part.get_payload()
        if not isinstance(payload, list):
            if not str(payload or "").strip():
                return  # an empty multipart (returned headers of a bounce) hides nothing
            # multipart-no-boundary-fails-closed: say so, and still read what is there
            self.add(Unscannable(where, "multipart without a usable boundary"))
            self._body_text(part, where, "text/plain")
            return
        for child in payload:
            if isinstance(child, Message):
                self.part(child, where, depth + 1)

    def _attached_message(self, part: Message, where: str, depth: int) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        name = _filename(part) or "attached message"
        if not isinstance(inner, Message):
            self._attachment(part, depth)
            return
        outer = self.ctx
        try:
            self.ctx = outer.nested()  # attached mail counts toward the nesting limit
        except LimitExceeded as exc:
            self.add(Unscannable(f"attachment:{name}", str(exc)))
            return
        try:
            self.message(inner, f"attachment:{name}", depth + 1)
        finally:
            self.ctx = outer

    def _body_text(self, part: Message, where: str, ctype: str) -> None:
        data = _payload_bytes(part)
        if _decodes_to_noise(part, data):
            self._noise(part, where, data)
            return
        self._inline_attachments(data)
        text = decode_text(data, part.get_content_charset())
        text = html_to_text(text) if ctype == "text/html" else relabel_text_tables(text)
        armored = _PGP_BLOCK.findall(text)
        if armored:
            self._encrypted(where, "inline PGP encrypted message")
            text = _PGP_BLOCK.sub(" ", text)
        if text.strip():
            self.add(TextChunk(where, text))

    def _attachment(self, part: Message, depth: int) -> None:
        name = _filename(part)
        where = f"attachment:{name or part.get_content_type()}"
        data = _payload_bytes(part)
        if part.get_content_maintype() == "text" and _decodes_to_noise(part, data):
            self._noise(part, where, data)
            return
        blob = Blob(where, data, name, part.get_content_type())
        # the registry has counted (and if need be cut) its text against the budget
        self.results.extend(extract_blob(blob, self.ctx))

    def _inline_attachments(self, data: bytes) -> None:
        """Uuencoded and yEnc blocks in a text body, read as the attachments clients show."""
        try:
            blocks = transfer.inline_attachments(data)
        except transfer.UndecodableError:
            return  # not a real block: it is read as the text it is
        for name, content in blocks:
            blob = Blob(f"attachment:{name}", content, name, "")
            for item in extract_blob(blob, self.ctx):
                self.add(item)

    def _noise(self, part: Message, where: str, data: bytes) -> None:
        """text-noise-fails-closed: a known format hiding as text is read, anything else refused."""
        blob = Blob(where, data, _filename(part), part.get_content_type())
        found = choose(blob)
        if found is not None and found.sniff(data[:SNIFF_BYTES]):
            for item in extract_blob(blob, self.ctx):
                self.add(item)
            return
        kind = media_kind(Blob(where, data))  # by content only: a name proves nothing
        if kind is not None:
            self.add(NotInspected(where, kind))
            return
        self.add(Unscannable(where, f"{part.get_content_type()} part decodes to binary data"))

    def _smime(self, part: Message, where: str, depth: int) -> None:
        """smime-signed-unwrap: the CMS content type decides, not the (forgeable) label."""
        smime_type = collapse_rfc2231_value(part.get_param("smime-type") or "").lower()
        data = _payload_bytes(part)
        kind = cms_type(data)
        if kind == SIGNED or (not kind and smime_type in ("signed-data", "certs-only")):
            try:
                inner = signed_content(data)
            except ValueError as exc:
                self.add(Unscannable(where, f"opaque S/MIME signed data unreadable: {exc}"))
                return
            walk_into(self, inner, f"{where}/signed", depth + 1)
        elif kind in ("", "enveloped_data", "authenticated_enveloped_data", "encrypted_data"):
            self._encrypted(where, "S/MIME encrypted content")
        else:
            self.add(Unscannable(where, f"S/MIME {kind.replace('_', ' ')} is not readable"))

    def _encrypted(self, where: str, why: str) -> None:
        self.encrypted_parts += 1
        self.add(Unscannable(where, why))


def _join(where: str, leaf: str) -> str:
    return f"{where}/{leaf}" if where else leaf


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except Exception:
        return ""
    if isinstance(name, tuple):  # RFC 2231 triple the policy could not decode
        name = name[2]
    return str(name or "").strip().replace("/", "_")


def _is_attachment(part: Message) -> bool:
    if (part.get_content_disposition() or "") == "attachment":
        return True
    return bool(_filename(part)) and part.get_content_type() not in ("text/plain", "text/html")


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _decodes_to_noise(part: Message, data: bytes) -> bool:
    """A transfer-encoded text part that decoded to binary (text-noise-fails-closed)."""
    cte = str(part.get("content-transfer-encoding", "")).strip().lower()
    if cte in transfer.IDENTITY:
        return False
    return decodes_to_binary(data, part.get_content_charset())


def walk(raw: bytes, limits: Limits | None = None) -> Extraction:
    """Everything readable in one message; never raises on malformed input."""
    return read_message(raw, limits)[0]


@dataclass(frozen=True)
class Headers:
    """What the envelope-less scan and the author check need from the top-level headers."""

    sender: str = ""
    recipients: tuple[str, ...] = ()
    author_names: tuple[str, ...] = ()  # display names in From/Sender/Reply-To
    addressee_names: tuple[str, ...] = ()  # display names in To/Cc: who a letter is written to


def _headers(msg: Message, raw: bytes) -> Headers:
    names: list[str] = []
    for header in ("from", "sender", "reply-to"):
        names.extend(name for name, _ in getaddresses([header_text(msg, header)]) if name)
    to: list[str] = []
    for header in ("to", "cc"):
        to.extend(name for name, _ in getaddresses([header_text(msg, header)]) if name)
    return Headers(header_sender(msg), header_recipients(msg, raw), tuple(names), tuple(to))


def read_message(raw: bytes, limits: Limits | None = None) -> tuple[Extraction, Headers]:
    """Parse once: the extraction and the top-level headers; never raises."""
    walker = _Walker(limits or Limits())
    headers = Headers()
    try:
        msg = parse(raw)
        headers = _headers(msg, raw)
    except Exception:
        msg = None
    walk_into(walker, raw, "", 0, msg)
    return replace(_finish(walker), sent=_sent(msg)), headers


def _sent(msg: Message | None) -> date | None:
    """The day the Date header gives, or None when it is missing or unreadable."""
    if msg is None:
        return None
    try:
        return parsedate_to_datetime(header_text(msg, "date")).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def walk_attached(raw: bytes, where: str, ctx: Context) -> list[Result]:
    """The results of a message stored as an attachment (.eml), sharing the budget."""
    walker = _Walker(ctx.budget.limits)
    walker.ctx = ctx
    walk_into(walker, raw, where, ctx.depth)
    return walker.results


def walk_into(
    walker: _Walker, raw: bytes, where: str, depth: int, parsed: Message | None = None
) -> None:
    """The strict reading, then every client reading that means something else (lenient/)."""
    _walk_one(walker, raw, where, depth, parsed)
    try:
        other = readings(raw)
    except (RecursionError, MemoryError):
        walker.add(Unscannable(where or "message", "MIME structure too large or deep to read"))
        return
    except Exception as exc:  # a bug here must fail closed, not crash the scan
        why = f"MIME structure unreadable ({type(exc).__name__})"
        walker.add(Unscannable(where or "message", why))
        return
    for note in other.notes:
        unscannable = Unscannable(_join(where, note.where), note.why)
        if unscannable not in walker.results:
            walker.add(unscannable)
    for text in other.messages:
        seen = {_key(r) for r in walker.results}
        start = len(walker.results)
        _walk_one(walker, text, where, depth)
        fresh: dict[tuple[str, ...], Result] = {}
        for item in walker.results[start:]:
            if _key(item) not in seen:
                fresh.setdefault(_key(item), item)
        walker.results[start:] = list(fresh.values())


def _key(item: Result) -> tuple[str, ...]:
    """What makes two readings' results the same: the text, or the place and the reason."""
    if isinstance(item, TextChunk):
        return ("text", item.text)
    return (type(item).__name__, item.where, item.why)


def _walk_one(
    walker: _Walker, raw: bytes, where: str, depth: int, parsed: Message | None = None
) -> None:
    try:
        msg = parsed if parsed is not None else parse(raw)
        walker.message(msg, where, depth)
    except RecursionError:
        walker.results.append(Unscannable("message", "MIME structure nested too deeply"))
    except Exception as exc:  # the stdlib parser is lenient; this is the last resort
        why = f"MIME structure unreadable ({type(exc).__name__})"
        walker.results.append(Unscannable(where or "message", why))


def _finish(walker: _Walker) -> Extraction:
    chunks = tuple(r for r in walker.results if isinstance(r, TextChunk))
    unscannable = tuple(r for r in walker.results if isinstance(r, Unscannable))
    not_inspected = tuple(r for r in walker.results if isinstance(r, NotInspected))
    readable = [c for c in chunks if not c.where.endswith("subject") and c.text.strip()]
    encrypted = walker.encrypted_parts > 0 and not readable
    return Extraction(chunks, unscannable, not_inspected, encrypted)
