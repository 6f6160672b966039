"""dlp: outbound data-loss-prevention mail filter for K-12 school districts."""

__version__ = "0.1.0"
