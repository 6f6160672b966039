"""Roster matching: exact, keyed-hash matches against the district's own SIS records."""
