"""Render + sign a 3-page determination letter N times in one warm process; print a Markdown table.

    .venv/bin/python benchmarks/letter_engine.py [--iterations 200]

Times are wall-clock per letter (render = HTML to PDF/A-3b bytes, sign = PAdES with an invisible-appearance field
over the signature block, no timestamp). RSS is read from /proc/self/status: it should not grow between the
checkpoints, since fonts and the stylesheet are reused (letters.pdf keeps one FontConfiguration per process).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from letters.development_ca import ensure_development_certificates  # noqa: E402
from letters.pdf import render_pdf  # noqa: E402
from letters.signing import sign_pdf, verify_pdf  # noqa: E402
from tests.letters.conftest import ORGANIZATION, sample_letter_html  # noqa: E402

WARM_UP_LETTERS = 5


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found in /proc/self/status")


def percentile_95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    iterations = parser.parse_args().iterations

    rss_at_import = rss_mib()
    html = sample_letter_html()
    with tempfile.TemporaryDirectory() as folder:
        material = ensure_development_certificates(Path(folder), ORGANIZATION)
        signer = material.load_signer()
        root = material.load_root_certificate()

        def letter() -> tuple[float, float, bytes]:
            started = time.perf_counter()
            rendered = render_pdf(html)
            rendered_at = time.perf_counter()
            box = rendered.signature_box
            signed = sign_pdf(
                rendered.pdf,
                signer,
                field_box=box.rect,
                page=box.page_index,
                reason="Independent Medical Review Final Determination",
                location="Sacramento, CA",
                name="Medical Director",
            )
            return rendered_at - started, time.perf_counter() - rendered_at, signed

        for _ in range(WARM_UP_LETTERS):
            _, _, signed = letter()
        assert verify_pdf(signed, [root]).authentic, "the benchmark's letter does not verify"
        pages = render_pdf(html).page_count

        rss = {"start (warm)": rss_mib()}
        render_times: list[float] = []
        sign_times: list[float] = []
        for index in range(1, iterations + 1):
            render_seconds, sign_seconds, signed = letter()
            render_times.append(render_seconds)
            sign_times.append(sign_seconds)
            if index == 100 and iterations > 100:
                rss["after 100"] = rss_mib()
        rss[f"after {iterations}"] = rss_mib()

    totals = [render + sign for render, sign in zip(render_times, sign_times, strict=True)]
    print(f"Letter engine: {iterations} letters of {pages} pages, {len(signed):,} bytes signed, one warm process")
    print(
        f"Python {platform.python_version()}, WeasyPrint {version('weasyprint')}, pyHanko {version('pyHanko')}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    print()
    print("| step | median ms | p95 ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, values in (("render", render_times), ("sign", sign_times), ("render + sign", totals)):
        print(
            f"| {name} | {statistics.median(values) * 1000:.1f} | {percentile_95(values) * 1000:.1f} "
            f"| {max(values) * 1000:.1f} |"
        )
    print()
    print("| RSS | MiB |")
    print("| --- | ---: |")
    print(f"| after imports, before the first letter | {rss_at_import:.1f} |")
    for name, value in rss.items():
        print(f"| {name} | {value:.1f} |")


if __name__ == "__main__":
    main()
