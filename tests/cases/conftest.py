"""Fixtures of the case tests: the real published letters as one imr-case/1 document."""

import copy

import pytest

from precedents.parser import published_letters_document
from tests import paths

LETTERS_DIR = paths.LETTERS_TEXT


@pytest.fixture(scope="session")
def _published_letters_document() -> dict:
    paths = sorted(LETTERS_DIR.glob("*.txt"))
    assert paths, f"no letters in {LETTERS_DIR} (set IMR_LETTERS_DIR)"
    return published_letters_document(paths)


@pytest.fixture
def published_document(_published_letters_document) -> dict:
    """Every real published letter of IMR_LETTERS_DIR converted by precedents.parser; a copy the test may change."""
    return copy.deepcopy(_published_letters_document)
