"""Reading an `imr-case/1` document: as a stream of its parts (ijson), one case at a time, without holding the
document whole, or from a document already parsed. Broken JSON, bytes that are not UTF-8 and documents nested
deeper than ``core.jsonsafe.MAX_DEPTH`` are refused here, saying where.

Changes when the way documents arrive changes (a new source, a new size limit), not when the format does.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import IO, Any

import ijson
from django.conf import settings

from cases.interchange.spec import InterchangeError
from core import jsonsafe

# A part of a document: ("key", name, value) for a top-level key but ``cases``; ("cases_list", None, None) then
# ("case", index, case) for each case; ("cases", None, value) when ``cases`` is not a list; ("document", None, value)
# when the document is not an object.
Part = tuple[str, Any, Any]


class EmptyDocument(Exception):
    """The stream held nothing at all."""


def load_document(raw: bytes | str) -> dict[str, Any]:
    """Parse a JSON document, or refuse it saying where the JSON is broken."""
    try:
        return jsonsafe.loads(raw)
    except jsonsafe.JSONProblem as problem:
        raise InterchangeError([f"(document): {problem}"]) from None


class _Utf8Stream:
    """A binary stream checked as UTF-8 while it is read (the parser would let broken bytes through), its byte
    order mark dropped."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.started = False

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        if not self.started and data:
            self.started = True
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
        self.decoder.decode(data, final=not data)  # raises UnicodeDecodeError
        return data


def _binary(source: IO | bytes | str) -> IO[bytes]:
    if isinstance(source, str):
        source = source.encode("utf-8")
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, io.TextIOBase):
        buffer = getattr(source, "buffer", None)
        return buffer if buffer is not None else io.BytesIO(source.read().encode("utf-8"))
    return source


def _syntax_error(stream: IO[bytes], error: Exception) -> InterchangeError:
    """The JSON error in words: from the json module where the stream can be read again (its line and column),
    from the streaming parser otherwise."""
    if isinstance(error, UnicodeDecodeError) or "utf-8" in str(error).lower() or "utf8" in str(error).lower():
        return InterchangeError(["(document): is not UTF-8 text"])
    try:
        stream.seek(0)
        load_document(stream.read())
    except InterchangeError as precise:
        return precise
    except (OSError, ValueError):
        pass
    return InterchangeError([f"(document): is not JSON: {error}"])


def read_document(source: IO | bytes | str) -> Iterator[Part]:
    """The document as a stream of its parts (``Part``), without holding it whole. Broken JSON raises
    InterchangeError; a stream with nothing in it raises EmptyDocument."""
    stream = _binary(source)
    events = ijson.basic_parse(_Utf8Stream(stream), use_float=True)
    try:
        yield from _parts(events)
    except ijson.JSONError as error:
        raise _syntax_error(stream, error) from None
    except UnicodeDecodeError:
        raise InterchangeError(["(document): is not UTF-8 text"]) from None


def _value(first: tuple[str, Any], events: Iterator[tuple[str, Any]]) -> Any:
    """The whole value that starts with the event ``first``."""
    event, value = first
    if event not in ("start_map", "start_array"):
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > jsonsafe.MAX_DEPTH:  # the checks that follow recurse; no real case nests this deep
                raise InterchangeError([f"(document): nests deeper than {jsonsafe.MAX_DEPTH} levels"])
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _parts(events: Iterator[tuple[str, Any]]) -> Iterator[Part]:
    first = next(events, None)
    if first is None:
        raise EmptyDocument
    if first[0] != "start_map":
        document = _value(first, events)
        _end(events)
        yield "document", None, document
        return
    for event, key in events:
        if event == "end_map":
            break
        start = next(events)
        if key != "cases" or start[0] != "start_array":
            value = _value(start, events)
            yield ("cases", None, value) if key == "cases" else ("key", key, value)
            continue
        yield "cases_list", None, None
        yield from _cases(events)
    _end(events)


def _cases(events: Iterator[tuple[str, Any]]) -> Iterator[Part]:
    """Each case of the ``cases`` list, up to ``IMR_IMPORT_MAX_CASES``."""
    limit = settings.IMR_IMPORT_MAX_CASES
    for index, case_start in enumerate(events):
        if case_start[0] == "end_array":
            break
        if index >= limit:
            raise InterchangeError([f"cases: more than {limit} cases in one file; split it (IMR_IMPORT_MAX_CASES)"])
        yield "case", index, _value(case_start, events)


def _end(events: Iterator) -> None:
    """Read to the end, so that trailing garbage is refused as the json module refuses it."""
    for _ in events:
        pass


def parts_of(data: Any) -> Iterator[Part]:
    """A parsed document as the parts ``read_document`` yields."""
    if not isinstance(data, dict):
        yield "document", None, data
        return
    for key, value in data.items():
        if key != "cases":
            yield "key", key, value
        elif isinstance(value, list):
            yield "cases_list", None, None
            for index, case in enumerate(value):
                yield "case", index, case
        else:
            yield "cases", None, value
