"""Every rule for reading broken or ambiguous MIME, named in one place.

Mail clients forgive a lot, and each forgives differently: a message that
Python's `email` package reads as one opaque body can show Thunderbird a
roster and Outlook a zip.  The MIME walk therefore reads a message the strict
way (the standard parser) and, when any rule below changes what a part means,
once more per client reading; the verdict rests on the union of what all
readings find.  What no reading can resolve is `unscannable`, never clean.

The modules beside this one apply the rules; each cites a rule by its name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    name: str
    what: str


RULES: tuple[Rule, ...] = (
    # header syntax (headers.py)
    Rule("header-space-before-colon", "obsolete `Name : value` is a header, not the body"),
    Rule("header-unfold-trim", "folded values are unfolded and trimmed (`CTE:\\n base64`)"),
    Rule("header-comments", "RFC 822 comments are dropped anywhere (`base64 (x)`, `() multipart`)"),
    Rule("header-case", "names, types, encodings and parameter names ignore case"),
    Rule("header-duplicates", "a repeated Content-Type, -Disposition or -Transfer-Encoding: all"),
    Rule("param-rfc2231", "RFC 2231 `boundary*=`, `name*0*=` in any charset, UTF-16 too"),
    Rule("param-rfc2047", 'encoded-word file names (`name="=?utf-8?B?...?="`) are decoded'),
    Rule("param-every-value", "duplicate or conflicting parameters: every value is a reading"),
    Rule("filename-every-source", "filename, filename*, name and name* are all file names"),
    # transfer encodings (transfer.py)
    Rule("cte-every-value", "`base64,quoted-printable` and the like: each value is a reading"),
    Rule("cte-identity-spellings", "7-bit, 8 bit, 8bits and the like mean no encoding"),
    Rule("cte-unknown-fails-closed", "an unknown transfer encoding makes the part unscannable"),
    Rule("base64-skip-junk", "characters outside the base64 alphabet are skipped"),
    Rule("base64-mid-padding", "`=` padding inside the stream ends a chunk, decoding goes on"),
    Rule("qp-soft-break-whitespace", "`=` then spaces or tabs before the line end is a soft break"),
    Rule("qp-lowercase-hex", "`=3d` decodes like `=3D`"),
    Rule("uuencode", "x-uuencode, uuencode, x-uue, with or without the begin line"),
    Rule("yenc", "x-yencode / yEnc (`=ybegin` ... `=yend`)"),
    Rule("inline-uuencode-yenc", "uuencode and yEnc blocks inside a text body are attachments"),
    Rule("text-noise-fails-closed", "a text part that decodes to binary data is unscannable"),
    # structure (readings.py, and the walk in mime.py)
    Rule("multipart-every-boundary", "each candidate boundary is a reading of the multipart"),
    Rule("multipart-past-close", "delimiters after the close delimiter start parts again"),
    Rule("multipart-epilogue-fails-closed", "MIME headers after the close delimiter: unscannable"),
    Rule("multipart-no-boundary-fails-closed", "multipart without a usable boundary: unscannable"),
    Rule("message-transfer-encoded", "message/rfc822 or message/global in base64/QP is decoded"),
    Rule("smime-signed-unwrap", "opaque S/MIME signed-data: the signed entity inside is read"),
)

NAMES = frozenset(rule.name for rule in RULES)
