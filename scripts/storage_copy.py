#!/usr/bin/env python
"""Copy the portal's stored files out of / into its storages, and check them against the database.

    python scripts/storage_copy.py export DIR   # every file of the "default" (documents) and "letters" storages
    python scripts/storage_copy.py import DIR   # back into the storages as configured now (local or S3)
    python scripts/storage_copy.py verify       # every document and signed letter: its file, its SHA-256

Works the same for the local folders and an S3 bucket (it goes through Django's storage API), so a backup taken on
one can be restored to the other. ``export`` writes ``MANIFEST.sha256`` (sha256sum format); ``import`` checks every
file against it before writing. ``verify`` prints a JSON inventory (case numbers, document and letter hashes) and
exits 1 if a file is missing or its bytes differ from the register.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

ALIASES = ("default", "letters")


def _setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrportal.settings")
    import django

    django.setup()


def _walk(storage, folder: str = ""):
    directories, files = storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def export(target: Path) -> int:
    from django.core.files.storage import storages

    manifest = []
    for alias in ALIASES:
        storage = storages[alias]
        try:
            names = list(_walk(storage))
        except FileNotFoundError:  # a local folder never written to
            names = []
        for name in names:
            with storage.open(name, "rb") as source:
                data = source.read()
            path = target / alias / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            manifest.append(f"{hashlib.sha256(data).hexdigest()}  {alias}/{name}")
    (target / "MANIFEST.sha256").write_text("\n".join(manifest) + ("\n" if manifest else ""))
    print(f"Exported {len(manifest)} file(s) to {target}")
    return 0


def import_(source: Path) -> int:
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    entries = [line.split("  ", 1) for line in (source / "MANIFEST.sha256").read_text().splitlines() if line]
    for digest, relative in entries:
        data = (source / relative).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            print(f"{relative}: its bytes do not match MANIFEST.sha256; nothing more imported", file=sys.stderr)
            return 1
    for _digest, relative in entries:
        alias, name = relative.split("/", 1)
        storage = storages[alias]
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile((source / relative).read_bytes()))
        if saved != name:
            print(f"{relative}: stored as {saved}, not under its own name", file=sys.stderr)
            return 1
    print(f"Imported {len(entries)} file(s) from {source}")
    return 0


def verify() -> int:
    from cases.models import Case, CaseDocument
    from letters.models import Letter

    problems = []

    def check(kind: str, row, expected: str) -> str:
        try:
            with row.file.open("rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()
        except (FileNotFoundError, OSError) as error:
            problems.append(f"{kind} {row.pk} ({row.file.name}): missing ({error})")
            return ""
        if digest != expected:
            problems.append(f"{kind} {row.pk} ({row.file.name}): SHA-256 {digest} is not the registered {expected}")
        return digest

    inventory = {
        "cases": sorted(Case.objects.values_list("case_number", flat=True)),
        "documents": {
            str(document.pk): check("document", document, document.sha256)
            for document in CaseDocument.objects.order_by("pk")
        },
        "letters": {
            str(letter.pk): check("letter", letter, letter.sha256) for letter in Letter.objects.signed().order_by("pk")
        },
        "problems": problems,
    }
    print(json.dumps(inventory, indent=1))
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    commands = {"export": 1, "import": 1, "verify": 0}
    if len(argv) < 1 or argv[0] not in commands or len(argv) != commands[argv[0]] + 1:
        print(__doc__, file=sys.stderr)
        return 2
    _setup()
    if argv[0] == "export":
        return export(Path(argv[1]))
    if argv[0] == "import":
        return import_(Path(argv[1]))
    return verify()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
