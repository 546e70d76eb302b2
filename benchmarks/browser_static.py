"""The static storage production used before issue 25 (WhiteNoise's ``CompressedManifestStaticFilesStorage``: hashed
names, but a module's ``import`` of another left unhashed), for the "before" run of benchmarks/browser.py only. Its
``collectstatic`` failed on Chart.js's missing source map; this tolerates that one reference, as the new storage
does."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class BeforeStorage(CompressedManifestStaticFilesStorage):
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
