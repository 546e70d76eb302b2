"""What does not run in production stays out of what does: no module of the running portal imports the offline tools
(`tools/`), the development tools (`devtools/`) or demo data (any `demo` module), neither by an import statement nor
through a dotted string handed to `import_string` / `import_module`."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNING_APPS = ("accounts", "audit", "cases", "core", "guidelines", "imrportal", "letters", "precedents", "reviewers")
OFFLINE_PACKAGES = ("tools", "devtools")
DYNAMIC_IMPORTERS = ("import_string", "import_module")


def _is_offline(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in OFFLINE_PACKAGES or "demo" in parts


def _package(path: Path) -> list[str]:
    """The dotted package a module file belongs to (for relative imports)."""
    return list(path.relative_to(ROOT).with_suffix("").parts[:-1])


def offline_imports(source: str, path: Path) -> list[str]:
    """The offline modules `source` (the module at `path`) imports, as "line: module"."""
    found = []
    for node in ast.walk(ast.parse(source, filename=str(path))):
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
        found.extend((node.lineno, module) for module in modules if _is_offline(module))
    return [f"{line}: {module}" for line, module in sorted(set(found))]


def running_modules() -> list[Path]:
    return sorted(path for app in RUNNING_APPS for path in (ROOT / app).rglob("*.py"))


def test_no_running_app_imports_the_offline_tools_devtools_or_demo_data():
    modules = running_modules()
    offenders = {
        str(path.relative_to(ROOT)): imports
        for path in modules
        if (imports := offline_imports(path.read_text(encoding="utf-8"), path))
    }

    assert len(modules) > 100
    assert offenders == {}


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
