#!/usr/bin/env bash
# Builds phenolink and measures it as a newcomer runs it (local profile:
# SQLite, built-in 23andMe simulator): start-up time, idle memory, wrk
# throughput for the landing page, the signed-in dashboard and a bare
# net/http ceiling, and open-loop p99 latency at a fixed rate. Prints one
# Markdown report.
#
#   bench/web/run.sh [flags of bench/web, e.g. -reps 5 -duration 20s]
#
# Environment: DIR (work directory, default /tmp/phenolink-web; server logs
# are kept there). Load generator and server share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${DIR:-/tmp/phenolink-web}
mkdir -p "$dir"
if ! command -v wrk >/dev/null; then
	echo "run.sh: installing wrk" >&2
	apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
go build -o "$dir/phenolink" ./cmd/phenolink
go build -o "$dir/web" ./bench/web
exec "$dir/web" -bin "$dir/phenolink" -dir "$dir" "$@"
