"""The storage of the collected static files in production (``settings.STORAGES["staticfiles"]``).

WhiteNoise's ``CompressedManifestStaticFilesStorage`` (every file named by a hash of its content, gzip and Brotli
copies made once at ``collectstatic``), with Django's rewriting of JavaScript module imports turned on: the
``import … from "./workspace/panes.js"`` of ``static/js/workspace.js`` becomes ``"./workspace/panes.<hash>.js"``, so
every module the workspace loads is named by its content, and WhiteNoise serves each with ``Cache-Control:
max-age=315360000, public, immutable`` (its test for a hashed name). Without it the entry module was hashed but its
seven modules kept their names, were served with a 60-second lifetime and re-validated every minute, and after a
deploy a browser could run a new ``workspace.js`` with an old module.

A vendored file's ``//# sourceMappingURL=`` naming a map that was not copied (Chart.js's ``chart.umd.min.js``: the
Makefile copies the script alone) is left as it is instead of failing ``collectstatic``: a browser asks for a map only
with its developer tools open. Any other reference to a missing file still fails it.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage  # type: ignore[import-untyped]


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if "sourceMappingURL" in matchobj["matched"]:
                    return matchobj["matched"]
                raise

        return converter
