"""The case interchange format `imr-case/1` (CASE-FORMAT.md): its JSON Schema, the importer and the exporter.

`import_stream` reads a document as a stream and `import_document` takes a parsed one, in one transaction (all or
nothing, every error with its JSON path);
`export_document` gives back, for the cases imported, exactly the document that was imported.

One job a module:
- ``spec``: the format's name, schema file, date keys, the refusal (``InterchangeError``) and JSON paths;
- ``reading``: the document as a stream of its parts (ijson), UTF-8 and JSON syntax checked;
- ``validation``: the JSON Schema (fastjsonschema first, jsonschema to word every error);
- ``case_rules``: the rules of a case that a schema cannot state;
- ``parties``: the parties a document names, looked up or made once per import;
- ``saving``: new cases, their numbers, items and determinations, by bulk inserts;
- ``replacing``: which existing cases an update may replace (never one with work on it), and the replacement;
- ``importer``: the flow, all or nothing, batch by batch; ``exporter``: the way out.
"""

from cases.interchange.exporter import export_document
from cases.interchange.importer import ImportResult, import_document, import_stream
from cases.interchange.reading import load_document
from cases.interchange.spec import FORMAT, ImportError_, InterchangeError, schema

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
