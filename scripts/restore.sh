#!/usr/bin/env bash
# Restore an IMR Portal backup made by scripts/backup.sh into an EMPTY database and empty storage, then check every
# document and signed letter against the register (SHA-256).
#
#   DATABASE_URL=postgres://.../imr_restored [IMR_STORAGE=s3 AWS_...] scripts/restore.sh /backups/imr-20261202T2100Z
#
# Create the database first (createdb imr_restored). Stop the web, worker and beat processes that use it.
set -euo pipefail
cd "$(dirname "$0")/.."
source_folder="${1:?usage: scripts/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?set DATABASE_URL to the (empty) database to restore into}"
PY="${PYTHON:-.venv/bin/python}"
PG_RESTORE="${PG_RESTORE:-pg_restore}"
PSQL="${PSQL:-psql}"

(cd "$source_folder" && sha256sum --check --quiet database.dump.sha256)
tables=$("$PSQL" "$DATABASE_URL" -Atc "select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database has $tables table(s): restore into an empty database (createdb a new one)." >&2
  exit 1
fi
"$PG_RESTORE" --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$source_folder/database.dump"
"$PY" scripts/storage_copy.py import "$source_folder/storage"
"$PY" manage.py migrate --noinput  # a backup from an older release gets this release's migrations
# The inventory (case numbers, document and letter hashes, problems) as JSON on stdout.
"$PY" scripts/storage_copy.py verify || {
  echo "Restored, but some files do not match the register: see \"problems\" above." >&2
  exit 1
}
echo "Restore complete and verified: every document and signed letter matches its SHA-256."
