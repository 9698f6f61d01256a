#!/usr/bin/env bash
# Times Phenolink's genome-wide linear scan against PLINK 1.9 --assoc and
# PLINK 2 --glm on the same simulated filesets, and prints one table.
#
#   bench/scan/run.sh [N ...]          default N: 2000
#
# Environment: MARKERS (default 600000), REPS (runs per row, the fastest is
# kept; default 3), DIR (work directory, default /tmp/phenolink-bench; the
# filesets are large and never belong in the repository), FULL=1 to add
# PLINK 1.9 --linear (about a minute per run at N = 2,000), THREADS (the
# thread counts of the PLINK 2 and Phenolink rows, default "1 2").
# Wall time and peak resident memory come from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."

source bench/scan/timing.sh

header
for n in "${sizes[@]}"; do
	d="$dir/n$n"
	mkdir -p "$d"
	if [[ ! -s $d/cohort.bed ]]; then
		echo "generating $n samples x $markers markers in $d" >&2
		"$dir/scan" gen -out "$d/cohort" -samples "$n" -markers "$markers"
	fi
	b="$d/cohort"
	common=(--bfile "$b" --pheno "$b.pheno" --pheno-name qt --allow-no-sex --silent)
	row "plink1.9 --assoc" "$n" 1 no plink1.9 "${common[@]}" --threads 1 --assoc --out "$d/p19"
	if [[ ${FULL:-0} == 1 ]]; then
		row "plink1.9 --linear" "$n" 1 no plink1.9 "${common[@]}" --threads 1 --linear --out "$d/p19"
	fi
	for th in ${THREADS:-1 2}; do
		row "plink2 --glm" "$n" "$th" no plink2 "${common[@]}" --threads "$th" --glm allow-no-covars --out "$d/p2"
		row "plink2 --glm" "$n" "$th" yes plink2 "${common[@]}" --threads "$th" --glm no-x-sex --covar "$b.covar" --out "$d/p2cov"
	done
	for th in ${THREADS:-1 2}; do
		row "phenolink scan" "$n" "$th" no "$dir/scan" linear -bfile "$b" -threads "$th" -out "$d/phenolink.tsv"
		row "phenolink scan" "$n" "$th" yes "$dir/scan" linear -bfile "$b" -threads "$th" -covar -out "$d/phenolink-cov.tsv"
	done
done
