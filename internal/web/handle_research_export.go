package web

import (
	"archive/zip"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"phenolink/internal/phenolink"
	"phenolink/internal/scan"
)

// exportPage is the PLINK export form.
type exportPage struct {
	Phenotypes []phenolink.Phenotype
	Error      string
}

// handleExportForm shows the phenotypes to export beside the genotypes.
func handleExportForm(pages *renderer, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		catalog, err := phenotypes.Phenotypes(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "research_export", exportPage{Phenotypes: catalog})
	})
}

// plinkFiles are the fileset's members, in the order ExportPLINK takes
// their writers.
var plinkFiles = [4]string{"phenolink.bed", "phenolink.bim", "phenolink.fam", "phenolink.pheno"}

// handleExportPLINK writes the consenting cohort as a zipped PLINK fileset.
// ExportPLINK writes its four files at once while a zip takes one member at
// a time, so they go to temporary files first; the export is audited before
// the download starts.
func handleExportPLINK(log *slog.Logger, pages *renderer, phenotypes phenolink.PhenotypeStore, scans phenolink.ScanStore, genotypes phenolink.GenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		catalog, err := phenotypes.Phenotypes(ctx)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		_ = r.ParseForm()
		chosen, err := catalogSubset(catalog, r.PostForm["phenotypes"])
		if err == nil && len(chosen) == 0 {
			err = phenolink.Errorf(phenolink.EINVALID, "Choose at least one phenotype to export.")
		}
		if err == nil && len(chosen) > scan.MaxExportPhenotypes {
			err = phenolink.Errorf(phenolink.EINVALID, "Choose at most %d phenotypes.", scan.MaxExportPhenotypes)
		}
		if err != nil {
			pages.page(w, r, http.StatusUnprocessableEntity, "research_export", exportPage{Phenotypes: catalog, Error: phenolink.ErrorMessage(err)})
			return
		}
		dir, err := os.MkdirTemp("", "phenolink-plink-")
		if err != nil {
			pages.error(w, r, fmt.Errorf("plink export: %w", err))
			return
		}
		defer func() {
			if err := os.RemoveAll(dir); err != nil {
				log.ErrorContext(ctx, "remove plink export files", "err", err)
			}
		}()
		var files [4]*os.File
		for i, name := range plinkFiles {
			if files[i], err = os.Create(dir + "/" + name); err != nil {
				pages.error(w, r, fmt.Errorf("plink export: %w", err))
				return
			}
			defer files[i].Close()
		}
		deps := scan.Deps{Scans: scans, Genotypes: genotypes, Phenotypes: phenotypes, Logger: log}
		sum, err := scan.ExportPLINK(ctx, deps, phenotypeIDs(chosen), files[0], files[1], files[2], files[3])
		if err != nil {
			pages.error(w, r, err)
			return
		}
		detail := fmt.Sprintf("%d samples, %d markers, phenotypes %s (%d values)", sum.Samples, sum.Markers, strings.Join(sum.Phenotypes, ","), sum.Values)
		if err := recordAudit(r, phenotypes, "export.plink", detail); err != nil {
			pages.error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="phenolink-plink.zip"`)
		w.Header().Set("Cache-Control", "no-store")
		if err := writePLINKZip(w, files); err != nil {
			// The headers are gone; the broken download is all that can say so.
			log.ErrorContext(ctx, "write plink zip", "request_id", requestIDFrom(ctx), "err", err)
		}
	})
}

// writePLINKZip zips the written files. The .bed is packed already, so it
// is stored rather than deflated.
func writePLINKZip(w io.Writer, files [4]*os.File) error {
	zw := zip.NewWriter(w)
	for i, f := range files {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		member, err := zw.CreateHeader(&zip.FileHeader{Name: plinkFiles[i], Method: method})
		if err != nil {
			return err
		}
		if _, err := io.Copy(member, f); err != nil {
			return err
		}
	}
	return zw.Close()
}
