"""The case interchange format `imr-case/1` (CASE-FORMAT.md): its JSON Schema, the importer and the exporter.

`import_stream` reads a document as a stream and `import_document` takes a parsed one, in one transaction (all or
nothing, every error with its JSON path);
`export_document` gives back, for the cases imported, exactly the document that was imported.
"""

from cases.interchange.exporter import export_document
from cases.interchange.importer import (
    FORMAT,
    ImportError_,
    ImportResult,
    InterchangeError,
    import_document,
    import_stream,
    load_document,
    schema,
)

__all__ = [
    "FORMAT",
    "ImportError_",
    "ImportResult",
    "InterchangeError",
    "export_document",
    "import_document",
    "import_stream",
    "load_document",
    "schema",
]
