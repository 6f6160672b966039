"""Quarantine review for privacy officers: the `dlp quarantine` commands and the web UI."""
