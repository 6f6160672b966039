"""Opaque S/MIME (application/pkcs7-mime): signed content is read, encrypted is not.

An opaque signed message carries the signed MIME entity inside the CMS
structure, where a client shows it; reading it needs no key and no signature
check.  Parsing uses asn1crypto rather than hand-written DER; it loads with
the first S/MIME part, not at start-up.
"""

from __future__ import annotations

SIGNED = "signed_data"


def cms_type(data: bytes) -> str:
    """The CMS content type ('signed_data', 'enveloped_data', ...); '' when not CMS."""
    from asn1crypto import cms  # type: ignore[import-untyped]

    try:
        info = cms.ContentInfo.load(data)
        return str(info["content_type"].native or "")
    except Exception:  # asn1crypto raises ValueError/TypeError variants on junk
        return ""


def signed_content(data: bytes) -> bytes:
    """The entity inside opaque signed-data; ValueError when there is none to read."""
    from asn1crypto import cms

    try:
        info = cms.ContentInfo.load(data)
        if info["content_type"].native != SIGNED:
            raise ValueError("not CMS signed-data")
        content = info["content"]["encap_content_info"]["content"]
        inner = content.native if content is not None else None
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(f"corrupt CMS structure ({type(exc).__name__})") from exc
    if not isinstance(inner, bytes) or not inner:
        raise ValueError("signed-data carries no content (detached signature)")
    return inner
