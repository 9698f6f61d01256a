package scan

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"

	"phenolink/internal/phenolink"
	"phenolink/internal/plinkfile"
)

// MaxExportPhenotypes bounds the phenotype columns of one export.
const MaxExportPhenotypes = 64

// ExportSummary says what ExportPLINK wrote, for the audit entry.
type ExportSummary struct {
	Samples    int      // consenting profiles with a stored genome
	Markers    int      // the whole index
	Phenotypes []string // the phenotype file's columns
	Values     int      // phenotype values written (not missing)
	Conflicts  int      // calls written as missing for a third allele
}

// ExportPLINK writes the consenting cohort's genomes as a PLINK 1 fileset
// (.bed, .bim, .fam) with every index marker, and a phenotype file with a
// header "FID IID id..." holding the requested phenotypes, -9 where a
// profile has no value. Binary phenotypes are written as PLINK codes them,
// 1 for the first level and 2 for the second. PLINK reads a
// quantitative value of exactly -9 as missing too, unless told otherwise
// with --missing-phenotype. FID and IID are both the
// profile id; the .fam's sex follows the scan's rules (see the package
// documentation). The caller records the audit entry.
func ExportPLINK(ctx context.Context, d Deps, phenotypeIDs []string, bed, bim, fam, pheno io.Writer) (ExportSummary, error) {
	var sum ExportSummary
	if len(phenotypeIDs) > MaxExportPhenotypes {
		return sum, phenolink.Errorf(phenolink.EINVALID, "An export holds at most %d phenotypes, not %d.", MaxExportPhenotypes, len(phenotypeIDs))
	}
	phs := make([]phenolink.Phenotype, 0, len(phenotypeIDs))
	seen := map[string]bool{}
	for _, id := range phenotypeIDs {
		if seen[id] {
			return sum, phenolink.Errorf(phenolink.EINVALID, "Phenotype %q is listed twice.", id)
		}
		seen[id] = true
		ph, err := d.Phenotypes.Phenotype(ctx, id)
		if err != nil {
			return sum, fmt.Errorf("scan.ExportPLINK: phenotype %q: %w", id, err)
		}
		phs = append(phs, ph)
	}
	consenting, err := d.Phenotypes.ConsentingProfiles(ctx)
	if err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	inCohort := make(map[string]bool, len(consenting))
	for _, id := range consenting {
		inCohort[id] = true
	}
	values := make([]map[string]float64, len(phs))
	for j, ph := range phs {
		if values[j], err = cohortValues(ctx, d.Phenotypes, ph.ID, false); err != nil {
			return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
		}
	}
	sexes, err := cohortValues(ctx, d.Phenotypes, sexPhenotype, true)
	if err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	markers, err := d.Genotypes.Markers(ctx)
	if err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: loading the marker index: %w", err)
	}
	g, err := readMatrix(ctx, d.Genotypes, markers, func(id string) bool { return inCohort[id] }, len(consenting), nil)
	if err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	sum.Samples, sum.Markers = g.n(), len(markers)
	for _, ph := range phs {
		sum.Phenotypes = append(sum.Phenotypes, ph.ID)
	}
	co := &cohort{sex: sexes}
	samples := make([]plinkfile.Sample, g.n())
	for i, id := range g.ids {
		samples[i] = plinkfile.Sample{FID: id, IID: id, Sex: co.sexOf(id, g.stats[i]), Phenotype: "-9"}
	}
	if err := writeBed(bed, bim, g, &sum); err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	if err := plinkfile.WriteFam(fam, samples); err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	if sum.Values, err = writePheno(pheno, g.ids, phs, values); err != nil {
		return sum, fmt.Errorf("scan.ExportPLINK: %w", err)
	}
	return sum, nil
}

// writeBed writes every marker's record and .bim line.
func writeBed(bed, bim io.Writer, g *genotypeMatrix, sum *ExportSummary) error {
	bw, err := plinkfile.NewBedWriter(bed, g.n())
	if err != nil {
		return err
	}
	mw := bufio.NewWriterSize(bim, 1<<16)
	var line []byte
	for i, m := range g.markers {
		if err := bw.Write(g.record(i)); err != nil {
			return err
		}
		a1, a2 := g.alleleLetters(i)
		line = plinkfile.AppendBimLine(line[:0], plinkfile.Variant{Chrom: m.Chrom.String(), ID: m.ID, Pos: int64(m.Pos), Allele1: a1, Allele2: a2})
		if _, err := mw.Write(line); err != nil {
			return fmt.Errorf("writing the .bim: %w", err)
		}
		sum.Conflicts += int(g.conflicts[i])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := mw.Flush(); err != nil {
		return fmt.Errorf("writing the .bim: %w", err)
	}
	return nil
}

// writePheno writes the phenotype file and returns how many values it
// holds.
func writePheno(w io.Writer, ids []string, phs []phenolink.Phenotype, values []map[string]float64) (int, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("FID\tIID")
	for _, ph := range phs {
		bw.WriteString("\t" + ph.ID)
	}
	bw.WriteByte('\n')
	written := 0
	var b []byte
	for _, id := range ids {
		b = append(append(append(b[:0], id...), '\t'), id...)
		for j, ph := range phs {
			b = append(b, '\t')
			v, ok := values[j][id]
			switch {
			case !ok:
				b = append(b, "-9"...)
				continue
			case ph.Kind == phenolink.Binary:
				v++ // PLINK's 1 = first level (control), 2 = second (case)
			}
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
			written++
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return 0, fmt.Errorf("writing the phenotype file: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, fmt.Errorf("writing the phenotype file: %w", err)
	}
	return written, nil
}
