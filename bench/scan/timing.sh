# Shared by run.sh and run-store.sh, sourced after their own settings:
# sets up the work directory and the scan binary and checks that PLINK is
# installed; best runs a command REPS times and prints "wall user+sys
# maxrss_mb" of the fastest run, whose output it keeps in
# $dir/best-stdout.txt; row prints one line of the table.

sizes=("${@:-2000}")
markers=${MARKERS:-600000}
reps=${REPS:-3}
dir=${DIR:-/tmp/phenolink-bench}
mkdir -p "$dir"
go build -o "$dir/scan" ./bench/scan
for tool in plink1.9 plink2; do
	command -v "$tool" >/dev/null || { echo "$(basename "$0"): $tool is not on PATH (apt-get install $tool)" >&2; exit 1; }
done

best() {
	local bestline="" t
	for _ in $(seq "$reps"); do
		/usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >"$dir/stdout.txt" 2>"$dir/stderr.txt" ||
			{ cat "$dir/stderr.txt" >&2; return 1; }
		t=$(awk '{printf "%.2f %.2f %.0f", $1, $2+$3, $4/1024}' "$dir/time.txt")
		if [[ -z $bestline ]] || awk -v a="${t%% *}" -v b="${bestline%% *}" 'BEGIN{exit !(a<b)}'; then
			bestline=$t
			cp "$dir/stdout.txt" "$dir/best-stdout.txt"
		fi
	done
	echo "$bestline"
}

header() {
	printf '%-28s %6s %7s %6s %9s %9s %8s\n' program N threads covar wall_s cpu_s rss_MB
}

row() { # name n threads covar command...
	local name=$1 n=$2 th=$3 cv=$4
	shift 4
	read -r wall cpu rss < <(best "$@")
	printf '%-28s %6s %7s %6s %9s %9s %8s\n' "$name" "$n" "$th" "$cv" "$wall" "$cpu" "$rss"
}
