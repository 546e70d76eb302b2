from tests.cases.conftest import _published_letters_document, published_document  # noqa: F401  (fixtures)
