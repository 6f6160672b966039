"""Acting on a verdict: relay to the next hop, hold in quarantine, or bounce (RFC 3464)."""
