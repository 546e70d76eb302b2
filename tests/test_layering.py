"""Which way the imports run, checked: the table of allowed arrows between the rooms (the same table
`docs/architecture.md` shows), every import of every module of the running apps held against it, function-level
imports included; a function-level import of a project module says why on its line or the line above
(`# deferred: ...`). And what does not run in production stays out of what does: no running module imports the
offline tools (`tools/`), the development tools (`devtools/`) or demo data (any `demo` module), neither by an import
statement nor through a dotted string handed to `import_string` / `import_module`."""

import ast
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNING_APPS = (
    "accounts",
    "audit",
    "billing",
    "cases",
    "core",
    "guidelines",
    "imrportal",
    "letters",
    "mailroom",
    "operations",
    "parties",
    "api",
    "webhooks",
    "precedents",
    "reviewers",
)
OFFLINE_PACKAGES = ("tools", "devtools")
DYNAMIC_IMPORTERS = ("import_string", "import_module")

# The arrows: which other rooms each room may import. A lower room never imports a higher one. `imrportal` (settings,
# URLs, the Celery app) wires the rooms together and may name any of them; no room imports `imrportal`.
ALLOWED = {
    "core": set(),
    "accounts": {"core"},
    "audit": {"accounts", "core"},
    "guidelines": {"core"},
    "reviewers": {"core"},
    "cases": {"audit", "guidelines", "reviewers", "core"},
    "precedents": {"cases", "guidelines", "core"},
    "letters": {"cases", "reviewers", "guidelines", "audit", "accounts", "core"},
    # The organization's figures read the cases (and the clock's rules), log their reads, and no room reads them;
    # the quality program's draw applies the reviewers' conflict rule to the second reviewer.
    "operations": {"cases", "reviewers", "audit", "core"},
    "billing": {"letters", "cases", "audit", "core"},
    # The parties' side: an organization's people and the injured worker see their cases, send documents, read letters.
    "parties": {"billing", "letters", "cases", "audit", "accounts", "core"},
    "webhooks": {"parties", "cases", "audit", "core"},
    "api": {"webhooks", "parties", "letters", "cases", "audit", "accounts", "core"},
    # Fax and mail: the records cover sheet and its barcode, scanned batches split and filed to their cases.
    "mailroom": {"parties", "letters", "cases", "audit", "core"},
    "imrportal": set(RUNNING_APPS) - {"imrportal"},
}

# Known offenders in files other helpers of issue 19 are rewriting, as "path:line: module" (the line numbers are those
# of this branch). Each is a function-level import of a project module with no comment saying why.
# The lead empties this list once their branches are merged.
KNOWN_OFFENDERS: set[str] = set()


@dataclass(frozen=True)
class Import:
    line: int
    module: str
    in_function: bool
    explained: bool  # a comment on the line or the line above says why

    def __str__(self) -> str:
        return f"{self.line}: {self.module}"


def _package(path: Path) -> list[str]:
    """The dotted package a module file belongs to (for relative imports)."""
    return list(path.relative_to(ROOT).with_suffix("").parts[:-1])


def _comments(source: str) -> dict[int, str]:
    """Each line's comment, without its `noqa` / `type:` pragma."""
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            text = token.string.lstrip("#").strip()
            for pragma in ("noqa", "type:"):
                if text.startswith(pragma):
                    text = text.split(None, 2)[2] if len(text.split(None, 2)) == 3 else ""
            comments[token.start[0]] = text.strip(" -()")
    return comments


def _function_nodes(tree: ast.AST) -> set[int]:
    """The ids of the nodes that sit inside a function (or a lambda)."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    return inside


def imports(source: str, path: Path) -> list[Import]:
    """Every module `source` (the module at `path`) imports, by statement or by a constant dotted string handed to
    `import_string` / `import_module`."""
    tree = ast.parse(source, filename=str(path))
    inside, comments = _function_nodes(tree), _comments(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = _package(path)
                base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            modules = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in DYNAMIC_IMPORTERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            modules = [node.args[0].value]
        else:
            continue
        found.extend(
            (node.lineno, getattr(node, "end_lineno", node.lineno), module, id(node) in inside) for module in modules
        )
    # A comment covers its line, the line below, and the imports that follow that one without a gap.
    explained: dict[int, bool] = {}
    for line, end, _module, _in_function in sorted(found):
        explained[end] = explained[line] = bool(comments.get(line) or comments.get(line - 1) or explained.get(line - 1))
    return sorted(
        {Import(line, module, in_function, explained[line]) for line, _end, module, in_function in found},
        key=lambda item: (item.line, item.module),
    )


def _is_offline(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in OFFLINE_PACKAGES or "demo" in parts


def offline_imports(source: str, path: Path) -> list[str]:
    """The offline modules `source` (the module at `path`) imports, as "line: module"."""
    return [str(item) for item in imports(source, path) if _is_offline(item.module)]


def wrong_way_imports(source: str, path: Path) -> list[str]:
    """The imports of another room that the table does not allow, as "line: module"."""
    room = path.relative_to(ROOT).parts[0]
    return [
        str(item)
        for item in imports(source, path)
        if (other := item.module.split(".")[0]) in RUNNING_APPS and other != room and other not in ALLOWED[room]
    ]


def unexplained_function_imports(source: str, path: Path) -> list[str]:
    """The function-level imports of a project module with no comment saying why, as "line: module". Only the first
    module named by each statement is reported (`from a import b` is one import)."""
    found, seen = [], set()
    for item in imports(source, path):
        project = item.module.split(".")[0] in RUNNING_APPS + OFFLINE_PACKAGES
        if project and item.in_function and not item.explained and item.line not in seen:
            found.append(str(item))
            seen.add(item.line)
    return found


def running_modules() -> list[Path]:
    return sorted(path for app in RUNNING_APPS for path in (ROOT / app).rglob("*.py"))


def _each_module(check) -> dict[str, list[str]]:
    return {
        str(path.relative_to(ROOT)): found
        for path in running_modules()
        if (found := check(path.read_text(encoding="utf-8"), path))
    }


def test_no_running_app_imports_the_offline_tools_devtools_or_demo_data():
    assert len(running_modules()) > 100
    assert _each_module(offline_imports) == {}


def test_every_import_between_rooms_follows_an_arrow_of_the_table():
    assert _each_module(wrong_way_imports) == {}


def test_every_function_level_import_of_a_project_module_says_why():
    found = {
        f"{path}:{line_and_module}"
        for path, lines in _each_module(unexplained_function_imports).items()
        for line_and_module in lines
    }

    assert sorted(found - KNOWN_OFFENDERS) == []
    assert sorted(KNOWN_OFFENDERS - found) == []  # fixed, or moved: take it off the list


def test_the_table_of_arrows_is_the_one_the_architecture_document_shows():
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = document.split("<!-- arrows -->")[1].strip().split("\n\n")[0].splitlines()[2:]
    rows = [line.strip("| ").split(" | ")[:2] for line in table]
    shown = {room.strip("`"): {other.strip("` ") for other in others.split(",")} - {"—"} for room, others in rows}

    assert shown == {room: allowed for room, allowed in ALLOWED.items() if room != "imrportal"}


def test_the_layering_check_sees_every_way_of_importing_an_offline_module():
    source = "\n".join(
        [
            "import tools.extract_library",
            "from tools.quantity_report import report",
            "from devtools import demo",
            "from letters import demo",
            "from . import demo",
            "import_string('devtools.demo.seed')",
            "importlib.import_module('tools.code_metrics')",
            "from guidelines import quantity",
            "import_string('letters.tasks.generate_letter')",
        ]
    )

    found = offline_imports(source, ROOT / "cases" / "services" / "example.py")

    assert found == [
        "1: tools.extract_library",
        "2: tools.quantity_report",
        "2: tools.quantity_report.report",
        "3: devtools",
        "3: devtools.demo",
        "4: letters.demo",
        "5: cases.services.demo",
        "6: devtools.demo.seed",
        "7: tools.code_metrics",
    ]


def test_the_layering_check_sees_a_wrong_way_import_at_module_level_in_a_function_and_by_string():
    source = "\n".join(
        [
            "from cases.models import Case",
            "import letters.models",
            "from guidelines import quantity",
            "def healthz():",
            "    from letters.models import Letter",
            "    return import_string('precedents.search.similar')",
            "from core import roles",
        ]
    )

    found = wrong_way_imports(source, ROOT / "reviewers" / "example.py")

    assert found == [
        "1: cases.models",
        "1: cases.models.Case",
        "2: letters.models",
        "3: guidelines",
        "3: guidelines.quantity",
        "5: letters.models",
        "5: letters.models.Letter",
        "6: precedents.search.similar",
    ]


def test_the_layering_check_wants_a_reason_beside_a_function_level_import_of_a_project_module():
    source = "\n".join(
        [
            "def ready():",
            "    from cases import hooks  # noqa: F401",
            "    # deferred: the hooks register a system check once the apps are ready",
            "    from cases import clock",
            "    from letters.tasks import generate_letter  # deferred: letters.tasks imports this module",
            "    from letters import services",
            "",
            "    from precedents import search",
            "    import redis",
            "    from core.models import Party  # noqa: F401 - a real cycle: core.models imports this module",
        ]
    )

    found = unexplained_function_imports(source, ROOT / "letters" / "apps.py")

    assert found == ["2: cases", "8: precedents"]
