"""The privacy officers' web UI: Starlette + Jinja2 (autoescaped), served by `dlp serve`."""
