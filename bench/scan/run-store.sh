#!/usr/bin/env bash
# Times Phenolink's scan job, reading every genome from a store, against
# PLINK 1.9 --assoc and PLINK 2 --glm on the same cohort exported from that
# store, and prints one table.
#
#   bench/scan/run-store.sh [N ...]          default N: 2000
#
# Environment: DB (default: the local test Postgres; a path that is not a
# postgres:// URL is an SQLite file, with N appended), MARKERS (default
# 600000), REPS (runs per row, the fastest is kept; default 3), DIR (work
# directory for the exported filesets, default /tmp/phenolink-bench),
# THREADS (the thread counts of the PLINK 2 and Phenolink rows, default
# "1 2").
# Each N gets its own schema, bench_scan_nN, filled once and kept; drop it
# to refill. Wall time and peak resident memory come from /usr/bin/time and
# cover the scan process only: on Postgres, the server's work reading the
# records shows in the wall time but not in the CPU or memory columns.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${DB:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
source bench/scan/timing.sh

header
for n in "${sizes[@]}"; do
	d="$dir/store-n$n"
	mkdir -p "$d"
	store=(-db "$db" -schema "bench_scan_n$n")
	[[ $db == postgres://* ]] || store=(-db "$db.n$n")
	if [[ ! -s $d/filled ]]; then
		echo "storing $n genomes of $markers markers" >&2
		"$dir/scan" fill "${store[@]}" -samples "$n" -markers "$markers" >"$d/filled"
	fi
	b="$d/cohort"
	if [[ ! -s $b.bed ]]; then
		"$dir/scan" export "${store[@]}" -out "$b" >&2
	fi
	row "store read, no coding" "$n" - - "$dir/scan" read "${store[@]}"
	common=(--bfile "$b" --pheno "$b.pheno" --pheno-name height_mm --allow-no-sex --silent)
	row "plink1.9 --assoc" "$n" 1 no plink1.9 "${common[@]}" --threads 1 --assoc --out "$d/p19"
	for th in ${THREADS:-1 2}; do
		row "plink2 --glm" "$n" "$th" no plink2 "${common[@]}" --threads "$th" --glm allow-no-covars --out "$d/p2"
		row "plink2 --glm" "$n" "$th" yes plink2 "${common[@]}" --threads "$th" --glm no-x-sex --covar "$b.covar" --out "$d/p2cov"
	done
	for th in ${THREADS:-1 2}; do
		row "phenolink scan job" "$n" "$th" no "$dir/scan" job "${store[@]}" -threads "$th"
		grep -o 'read=[^ ]* tests=[^ ]*' "$dir/best-stdout.txt" >&2 || true
		row "phenolink scan job" "$n" "$th" yes "$dir/scan" job "${store[@]}" -threads "$th" -covar
		grep -o 'read=[^ ]* tests=[^ ]*' "$dir/best-stdout.txt" >&2 || true
	done
done
