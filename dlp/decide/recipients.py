"""Recipients → internal / external / authorized (POLICY.md section 1).

Pure functions of the address and the config.  Look-alike domains (a hyphen
for a dot, another TLD, "vv" for "w") are external and reported as such, so
the reasons can say the domain only looks like the district's (E.3).
"""

from __future__ import annotations

from dlp.config import AuthorizedEntry, Settings
from dlp.model import Recipients

_HOMOGLYPHS = (("vv", "w"), ("rn", "m"), ("0", "o"), ("1", "l"), ("-", "."), ("_", "."))


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().strip(">").lower().rstrip(".")


def _under(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith("." + parent)


def is_internal(address: str, district_domains: tuple[str, ...]) -> bool:
    domain = domain_of(address)
    return any(_under(domain, d) for d in district_domains)


def authorized_entry(address: str, entries: tuple[AuthorizedEntry, ...]) -> AuthorizedEntry | None:
    """The authorized-list entry covering this address, exact address first."""
    addr = address.strip().lower().rstrip(".")
    for entry in entries:
        if entry.address and entry.address.strip().lower() == addr:
            return entry
    domain = domain_of(address)
    for entry in entries:
        if entry.domain and _under(domain, entry.domain.strip().lower().rstrip(".")):
            return entry
    return None


def _skeleton(domain: str) -> str:
    out = domain
    for a, b in _HOMOGLYPHS:
        out = out.replace(a, b)
    return out


def _stem(domain: str) -> str:
    """The domain without its last label, for 'same name, other TLD' look-alikes."""
    return domain.rsplit(".", 1)[0] if "." in domain else domain


def looks_like(domain: str, district_domains: tuple[str, ...]) -> bool:
    """True when an external domain imitates a district domain (E.3)."""
    for real in district_domains:
        if _under(domain, real):
            return False
        candidates = {domain, *_suffixes(domain)}
        for cand in candidates:
            if _skeleton(cand) == _skeleton(real) or _stem(cand) == _stem(real):
                return True
            if _edit_distance_le1(_skeleton(cand), _skeleton(real)):
                return True
    return False


def _suffixes(domain: str) -> list[str]:
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(1, len(labels) - 1)]


def _edit_distance_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return edits + (len(b) - j) <= 1


def classify_recipients(addresses: tuple[str, ...], settings: Settings) -> Recipients:
    domains = settings.district.domains
    internal: list[str] = []
    external: list[str] = []
    authorized: list[str] = []
    lookalike: list[str] = []
    for address in addresses:
        if is_internal(address, domains):
            internal.append(address)
            continue
        external.append(address)
        if authorized_entry(address, settings.recipients.authorized):
            authorized.append(address)
        if looks_like(domain_of(address), domains):
            lookalike.append(address)
    return Recipients(tuple(internal), tuple(external), tuple(authorized), tuple(lookalike))
