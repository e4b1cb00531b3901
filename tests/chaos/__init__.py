"""End-to-end failure scenarios: the ingest service killed again and again against the
sandbox with its faults on. ``python -m tests.chaos`` (``make chaos``) runs the full one."""
