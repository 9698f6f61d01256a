#!/usr/bin/env bash
# Times Phenolink's genome-wide linear scan against PLINK 1.9 --assoc and
# PLINK 2 --glm on the same simulated filesets, and prints one table.
#
#   bench/scan/run.sh [N ...]          default N: 2000
#
# Environment: MARKERS (default 600000), REPS (runs per row, the fastest is
# kept; default 3), DIR (work directory, default /tmp/phenolink-bench; the
# filesets are large and never belong in the repository), FULL=1 to add
# PLINK 1.9 --linear (about a minute per run at N = 2,000).
# Wall time and peak resident memory come from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes=("${@:-2000}")
markers=${MARKERS:-600000}
reps=${REPS:-3}
dir=${DIR:-/tmp/phenolink-bench}
mkdir -p "$dir"
go build -o "$dir/scan" ./bench/scan
for tool in plink1.9 plink2; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is not on PATH (apt-get install $tool)" >&2; exit 1; }
done

# best runs a command REPS times and prints "wall user+sys maxrss_mb" of the
# fastest run.
best() {
	local bestline="" t
	for _ in $(seq "$reps"); do
		/usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >/dev/null 2>"$dir/stderr.txt" ||
			{ cat "$dir/stderr.txt" >&2; return 1; }
		t=$(awk '{printf "%.2f %.2f %.0f", $1, $2+$3, $4/1024}' "$dir/time.txt")
		if [[ -z $bestline ]] || awk -v a="${t%% *}" -v b="${bestline%% *}" 'BEGIN{exit !(a<b)}'; then
			bestline=$t
		fi
	done
	echo "$bestline"
}

printf '%-28s %6s %7s %6s %9s %9s %8s\n' program N threads covar wall_s cpu_s rss_MB
row() { # name n threads covar command...
	local name=$1 n=$2 th=$3 cv=$4
	shift 4
	read -r wall cpu rss < <(best "$@")
	printf '%-28s %6s %7s %6s %9s %9s %8s\n' "$name" "$n" "$th" "$cv" "$wall" "$cpu" "$rss"
}

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
	for th in 1 2; do
		row "plink2 --glm" "$n" "$th" no plink2 "${common[@]}" --threads "$th" --glm allow-no-covars --out "$d/p2"
		row "plink2 --glm" "$n" "$th" yes plink2 "${common[@]}" --threads "$th" --glm no-x-sex --covar "$b.covar" --out "$d/p2cov"
	done
	for th in 1 2; do
		row "phenolink scan" "$n" "$th" no "$dir/scan" linear -bfile "$b" -threads "$th" -out "$d/phenolink.tsv"
		row "phenolink scan" "$n" "$th" yes "$dir/scan" linear -bfile "$b" -threads "$th" -covar -out "$d/phenolink-cov.tsv"
	done
done
