"""Demo data of this area for ``manage.py seed_demo``."""


def seed(*, users: dict, log) -> None:
    """Nothing yet: filled in as the area is built."""
