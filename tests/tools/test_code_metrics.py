"""tools/code_metrics.py, run as `python -m tools.code_metrics` on a folder made for the test."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def _function(name: str, lines: int, indent: str = "") -> str:
    """A function of exactly `lines` lines."""
    body = [f"{indent}    x = {index}" for index in range(lines - 2)]
    return "\n".join([f"{indent}def {name}():", *body, f"{indent}    return x"]) + "\n"


def _metrics(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.code_metrics", *arguments], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_long_modules_and_functions_are_listed_longest_first_and_migrations_left_out(tmp_path):
    app = tmp_path / "app"
    (app / "migrations").mkdir(parents=True)
    (app / "short.py").write_text(_function("fits", 60))
    long_module = _function("long_one", 61) + "class Thing:\n" + _function("method", 62, "    ")
    long_module += _function("outer", 5).replace("    return x\n", "") + _function("inner", 70, "    ")
    long_module += "\n" * (501 - len(long_module.splitlines()))
    (app / "long.py").write_text(long_module)
    (app / "migrations" / "0001_initial.py").write_text(_function("migrate", 600))

    result = _metrics(str(app))

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        f"2 modules; 1 over 500 lines:\n"
        f"    501  {app}/long.py\n"
        f"4 functions over 60 lines:\n"
        f"     74  {app}/long.py:125  outer\n"
        f"     70  {app}/long.py:129  outer.inner\n"
        f"     62  {app}/long.py:63  Thing.method\n"
        f"     61  {app}/long.py:1  long_one\n"
    )


def test_the_limits_are_options(tmp_path):
    (tmp_path / "one.py").write_text(_function("twelve", 12))

    result = _metrics("--max-module", "10", "--max-function", "11", str(tmp_path))

    assert result.stdout == (
        f"1 modules; 1 over 10 lines:\n     12  {tmp_path}/one.py\n1 functions over 11 lines:\n"
        f"     12  {tmp_path}/one.py:1  twelve\n"
    )


def test_a_missing_folder_is_named_in_the_error(tmp_path):
    result = _metrics(str(tmp_path / "nowhere"))

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"code_metrics.py: error: no such folder or file: {tmp_path}/nowhere"
    assert result.stdout == ""
