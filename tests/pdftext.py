"""A PDF's text as an outside reader prints it: poppler's ``pdftotext -layout`` (Debian's poppler-utils)."""

import subprocess


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
