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
