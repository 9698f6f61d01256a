package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"phenolink/internal/config"
	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

// exportStore is what an export reads and where it records the audit
// entry.
type exportStore interface {
	phenolink.GenotypeStore
	phenolink.PhenotypeStore
}

// exportFiles are the files of a PLINK export, by extension.
var exportFiles = []string{".bed", ".bim", ".fam", ".pheno"}

// runExport writes individual-level data of the consenting cohort for a
// researcher and records it in the audit log:
//
//	phenolink export plink --out PREFIX [--phenotypes a,b] --as ACCOUNT
func runExport(ctx context.Context, e env, args []string) error {
	synopsis := "export plink --out PREFIX [--phenotypes id,id] --as ACCOUNT"
	if len(args) == 0 || args[0] != "plink" {
		if len(args) > 0 && isHelp(args[0]) {
			fmt.Fprintf(e.stdout, "Usage: phenolink %s\n", synopsis)
			return nil
		}
		return fmt.Errorf("export: name the format, as in `phenolink %s`: %w", synopsis, errUsage)
	}
	fs := newFlagSet(e, "export plink", synopsis)
	out := fs.String("out", "", "write PREFIX.bed, .bim, .fam and .pheno")
	phenotypes := fs.String("phenotypes", "", "comma-separated phenotype ids for the .pheno file")
	as := fs.String("as", "", "the researcher's account id, recorded in the audit log")
	if helped, err := parseFlags(fs, e, args[1:]); helped || err != nil {
		return err
	}
	if *out == "" || *as == "" {
		return fmt.Errorf("export plink: --out and --as are required: %w", errUsage)
	}
	var ids []string
	for _, id := range strings.Split(*phenotypes, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return fmt.Errorf("export plink: %w", err)
	}
	db, err := openStore(ctx, cfg, nil)
	if err != nil {
		return fmt.Errorf("export plink: opening %s: %w", describeStore(cfg), err)
	}
	defer db.Close()
	return exportPLINK(ctx, e, db, *out, ids, *as)
}

// exportPLINK checks the researcher's role, writes the fileset beside its
// final names, records the audit entry and only then moves the files into
// place, so a refused or failed export leaves nothing behind and every
// fileset that appears is in the log.
func exportPLINK(ctx context.Context, e env, xs exportStore, prefix string, phenotypeIDs []string, as string) (err error) {
	ok, err := xs.HasRole(ctx, as, phenolink.RoleResearcher)
	if err != nil {
		return fmt.Errorf("export plink: checking the role of %q: %w", as, err)
	}
	if !ok {
		return phenolink.Errorf(phenolink.EFORBIDDEN, "Account %q is not a researcher; grant it the %s role before exporting.", as, phenolink.RoleResearcher)
	}
	tmp := make([]*os.File, len(exportFiles))
	defer func() {
		for _, f := range tmp {
			if f != nil {
				f.Close()
				if err != nil {
					os.Remove(f.Name())
				}
			}
		}
	}()
	for i, ext := range exportFiles {
		f, cerr := os.CreateTemp(filepath.Dir(prefix), filepath.Base(prefix)+".*"+ext+".tmp")
		if cerr != nil {
			return fmt.Errorf("export plink: %w", cerr)
		}
		tmp[i] = f
	}
	d := scan.Deps{Genotypes: xs, Phenotypes: xs}
	sum, err := scan.ExportPLINK(ctx, d, phenotypeIDs, tmp[0], tmp[1], tmp[2], tmp[3])
	if err != nil {
		return fmt.Errorf("export plink: %w", err)
	}
	for _, f := range tmp {
		if err = errors.Join(f.Sync(), f.Close()); err != nil {
			return fmt.Errorf("export plink: %w", err)
		}
	}
	entry := phenolink.AuditEntry{
		UserID: as,
		Action: "export.plink",
		Detail: fmt.Sprintf("%d samples, %d markers, phenotypes: %s", sum.Samples, sum.Markers, strings.Join(orNone(sum.Phenotypes), ",")),
		At:     time.Now(),
	}
	if err = xs.RecordAudit(ctx, entry); err != nil {
		return fmt.Errorf("export plink: recording the audit entry: %w", err)
	}
	for i, ext := range exportFiles {
		if err = os.Rename(tmp[i].Name(), prefix+ext); err != nil {
			return fmt.Errorf("export plink: %w", err)
		}
	}
	_, err = fmt.Fprintf(e.stdout, "Wrote %s.bed, .bim, .fam and .pheno: %d samples, %d markers, %d phenotype values.\n", prefix, sum.Samples, sum.Markers, sum.Values)
	return err
}

func orNone(ids []string) []string {
	if len(ids) == 0 {
		return []string{"none"}
	}
	return ids
}
