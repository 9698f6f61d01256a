#!/usr/bin/env bash
# Regenerates the PLINK fixtures under plink/: the simulated cohort (go run
# gen.go) and every PLINK output the tests compare against. Run from this
# directory. Made with PLINK v1.90b6.26 (Debian plink1.9) and PLINK
# v2.00a3.5 (Debian plink2).
#
# On covariate runs, no-x-sex keeps PLINK from adding sex a second time on X
# (the covariate file already holds it, and the duplicate makes every X
# regression singular).
set -euo pipefail
cd "$(dirname "$0")"
out=${1:-plink}
mkdir -p "$out"
go run gen.go -out "$out/cohort" -samples 300 -markers 2000 -seed 1
cd "$out"
p="--bfile cohort --pheno cohort.pheno --threads 1 --allow-no-sex --silent"
plink1.9 $p --pheno-name qt --assoc --out p19
plink1.9 $p --pheno-name qt --linear --out p19
plink1.9 $p --pheno-name qt --linear no-x-sex --covar cohort.covar --out p19cov
plink1.9 $p --pheno-name qt_strong --linear --out p19strong
plink1.9 $p --pheno-name bin --logistic --ci 0.95 --out p19
plink1.9 $p --pheno-name bin --logistic no-x-sex --ci 0.95 --covar cohort.covar --out p19cov
plink2 --bfile cohort --pheno cohort.pheno --threads 1 --silent --glm allow-no-covars --out p2
plink2 --bfile cohort --pheno cohort.pheno --threads 1 --silent --glm no-x-sex --covar cohort.covar --out p2cov
rm -f ./*.log ./*.nosex
