#!/bin/sh
# Times a 960,000-row upload to a stored genome on SQLite and on Postgres
# and prints the server's peak memory. TEST_DATABASE_URL names the Postgres
# server (default: local); a fresh schema is made and dropped.
set -eu
cd "$(dirname "$0")/../.."
out="${TMPDIR:-/tmp}/phenolink-bench-$$"
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
go build -o "$out/phenolink" ./cmd/phenolink
go run ./bench/upload -bin "$out/phenolink"
base="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}"
schema="bench_upload_$$"
psql "$base" -qc "CREATE SCHEMA $schema"
trap 'psql "$base" -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"; rm -rf "$out"' EXIT
case "$base" in *\?*) sep='&' ;; *) sep='?' ;; esac
go run ./bench/upload -bin "$out/phenolink" -database-url "$base${sep}search_path=$schema"
