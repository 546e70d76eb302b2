"""Offline tools: what a developer runs by hand, never the running portal (nothing under cases/, guidelines/,
letters/, reviewers/, core/ or imrportal/ imports this package; tests/test_layering.py holds that).

    python -m tools.extract_library DIR -o guidelines/data/library.json   the seeded guideline library
    python -m tools.quantity_report DIR [FILE ...] > docs/quantity-report.md   the quantity parser measured
    python -m tools.code_metrics [FOLDER ...]   modules over 500 lines, functions over 60 lines

`extract_library` reads its curated tables from `library_sources` (sources, chapters, topics, categories) and
`library_curation` (recommendations, extra sections, quantity limits).
"""
