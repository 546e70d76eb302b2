"""Where the real published material lives: ``../shared/imr`` beside the repository (as on developers' machines
and in CI), or ``$IMR_SHARED_DIR``."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED_IMR = Path(os.environ.get("IMR_SHARED_DIR", REPO.parent / "shared" / "imr"))
LETTERS_TEXT = Path(os.environ.get("IMR_LETTERS_DIR", SHARED_IMR / "letters" / "text"))
LETTERS_PDF = SHARED_IMR / "letters" / "pdf"
LETTERS = SHARED_IMR / "letters"
SEED_LETTER = SHARED_IMR / "000_256f45eed01cbf6d.txt"
CASE_FORMAT = SHARED_IMR / "CASE-FORMAT.md"
DOMAIN = SHARED_IMR / "DOMAIN.md"


def domain_mtus_chapters() -> set[str]:
    """The MTUS chapters (with their year) that DOMAIN.md lists as cited by real letters, read from DOMAIN.md."""
    import re

    text = " ".join(DOMAIN.read_text(encoding="utf-8").split())
    listing = text.split("MTUS chapters cited in real letters", 1)[1].split(":", 1)[1].split("Outside the MTUS", 1)[0]
    return {name.strip(" ,.") for name in re.findall(r"([A-Z][A-Za-z ,]+? \d{4}) \(\d+\)", listing)}
