"""Module and function sizes: the modules over 500 lines and the functions over 60 lines of some folders.

    python -m tools.code_metrics [FOLDER ...]   (default: the running portal's apps)
    python -m tools.code_metrics --max-module 500 --max-function 60 cases letters

A function's length is `end_lineno - lineno + 1` of its `ast` node (decorators not counted, docstring counted);
methods and nested functions count on their own, named `Class.method` / `outer.inner`. Migrations are left out.
Exit status 0 always: this is a report for people, not a gate (CI may compare the count with a ceiling).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

RUNNING_APPS = ("accounts", "cases", "core", "guidelines", "imrportal", "letters", "precedents", "reviewers")


@dataclass(frozen=True)
class Function:
    path: Path
    name: str
    line: int
    length: int


def python_files(folders: Iterable[Path]) -> list[Path]:
    """The .py files under `folders` (a file given as such counts too), migrations left out, sorted."""
    files: set[Path] = set()
    for folder in folders:
        candidates = [folder] if folder.is_file() else folder.rglob("*.py")
        files.update(path for path in candidates if "migrations" not in path.parts)
    return sorted(files)


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def functions(path: Path) -> Iterator[Function]:
    """Every function and method of the module at `path`, with its qualified name and length in lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def walk(node: ast.AST, prefix: str) -> Iterator[Function]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                yield Function(path, name, child.lineno, child.end_lineno - child.lineno + 1)
                yield from walk(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, f"{prefix}{child.name}.")
            else:
                yield from walk(child, prefix)

    yield from walk(tree, "")


def report(folders: Iterable[Path], *, max_module: int = 500, max_function: int = 60) -> str:
    """The long modules and long functions of `folders`, longest first, as plain text."""
    files = python_files(folders)
    modules = sorted(((line_count(path), path) for path in files), key=lambda row: (-row[0], str(row[1])))
    long_modules = [(lines, path) for lines, path in modules if lines > max_module]
    long_functions = sorted(
        (function for path in files for function in functions(path) if function.length > max_function),
        key=lambda function: (-function.length, str(function.path), function.line),
    )
    out = [f"{len(files)} modules; {len(long_modules)} over {max_module} lines:"]
    out += [f"  {lines:5d}  {path}" for lines, path in long_modules]
    out.append(f"{len(long_functions)} functions over {max_function} lines:")
    out += [f"  {f.length:5d}  {f.path}:{f.line}  {f.name}" for f in long_functions]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders or files (default: the running apps)")
    parser.add_argument("--max-module", type=int, default=500, help="report modules longer than this (lines)")
    parser.add_argument("--max-function", type=int, default=60, help="report functions longer than this (lines)")
    args = parser.parse_args(argv)
    missing = [str(folder) for folder in args.folders if not folder.exists()]
    if missing:
        parser.error(f"no such folder or file: {', '.join(missing)}")
    folders = args.folders or [Path(name) for name in RUNNING_APPS]
    sys.stdout.write(report(folders, max_module=args.max_module, max_function=args.max_function))
    return 0


if __name__ == "__main__":
    sys.exit(main())
