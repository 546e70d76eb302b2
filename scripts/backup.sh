#!/usr/bin/env bash
# Back up IMR Portal: the PostgreSQL database (pg_dump, custom format) and every stored file (documents and signed
# letters, from the local folders or the S3 bucket, whichever the settings name), into one new folder.
#
#   DATABASE_URL=postgres://... [IMR_STORAGE=s3 AWS_...] scripts/backup.sh /backups/imr-$(date -u +%Y%m%dT%H%MZ)
#
# Run it with the same environment as the portal. The database is dumped first, then the files: a file written
# between the two is not in the dump's register and does no harm; nothing in the dump lacks its file, because files
# are written before the rows that name them are committed. The signing key is NOT in the backup: keep it apart.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/backup.sh TARGET_FOLDER (must not exist yet)}"
: "${DATABASE_URL:?set DATABASE_URL to the portal database (postgres://...)}"
PY="${PYTHON:-.venv/bin/python}"
PG_DUMP="${PG_DUMP:-pg_dump}"

if [ -e "$target" ]; then echo "$target exists already: choose a new folder" >&2; exit 1; fi
umask 077  # medical data: readable by the owner only
mkdir -p "$target"
"$PG_DUMP" --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
"$PY" scripts/storage_copy.py export "$target/storage"
(cd "$target" && sha256sum database.dump > database.dump.sha256)
{
  echo "created_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "storage=${IMR_STORAGE:-local}"
  echo "files=$(grep -c . "$target/storage/MANIFEST.sha256" || true)"
} > "$target/BACKUP-INFO"
echo "Backup complete: $target"
