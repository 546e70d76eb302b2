"""Demo data of this area for ``manage.py seed_demo``: the seeded guideline library."""

import json

from guidelines.library_io import LIBRARY_FILE, load_library


def seed(*, users: dict, log) -> None:
    """Make sure the library of guidelines/data/library.json is loaded (a no-op when it is, e.g. after migrate)."""
    if not LIBRARY_FILE.exists():
        log(f"Guideline library: {LIBRARY_FILE} is missing, nothing loaded")
        return
    data = json.loads(LIBRARY_FILE.read_text(encoding="utf-8"))
    report = load_library(data, by=users.get("admin"), note="Seeded")
    log(f"Guideline library: {report.summary()}")
