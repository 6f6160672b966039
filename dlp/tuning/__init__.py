"""The administrator's tuning loop: check, test and explain pattern files before they go live.

- `check`: a pattern folder is valid (JSON Schema, the loader's own checks,
  reachable scores, inline examples run through the real detector);
- `labelled`: run patterns over a folder of (labelled) mail, and diff two sets;
- `explain`: why one message gets its verdict, recognizer by recognizer.
"""
