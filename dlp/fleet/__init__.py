"""Several relays as one: shared pattern sets and roster, versions, health.

With a PostgreSQL quarantine every relay (node) follows the pattern set and
roster published to the shared database (`dlp patterns publish`,
`dlp roster import`), reports content hashes of what it runs (`/healthz`,
`dlp_build_info`) so drift is visible, and keeps relaying clean mail while the
database is down.
"""
