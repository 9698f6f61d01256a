package web

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// Bounds of one CSV import: a cohort of tens of thousands of profiles with
// a few dozen columns fits well within them.
const (
	maxImportBytes  = 8 << 20
	maxImportRows   = 100_000
	maxImportErrors = 50 // shown; the count says how many more there were
)

// importPage shows the upload form and, after a refused upload, every
// problem found with its line number.
type importPage struct {
	Phenotypes []phenolink.Phenotype
	Errors     []importError
	More       int // problems beyond those listed
	Error      string
}

// importError is one problem of an uploaded file.
type importError struct {
	Line    int
	Message string
}

// handleImportForm shows the upload form with the catalog's ids.
func handleImportForm(pages *renderer, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		catalog, err := phenotypes.Phenotypes(r.Context())
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "research_import", importPage{Phenotypes: catalog})
	})
}

// handleImport reads an uploaded CSV, validates every row and stores all
// values or none, recording the import in the audit log.
func handleImport(pages *renderer, sessions *scs.SessionManager, phenotypes phenolink.PhenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		catalog, err := phenotypes.Phenotypes(ctx)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p := importPage{Phenotypes: catalog}
		refuse := func(msg string) {
			p.Error = msg
			pages.page(w, r, http.StatusUnprocessableEntity, "research_import", p)
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes+64<<10)
		file, _, err := r.FormFile("file")
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			refuse(fmt.Sprintf("The file is larger than %d MB; split it into smaller files.", maxImportBytes>>20))
			return
		case err != nil:
			refuse("Choose a CSV file to upload.")
			return
		}
		defer file.Close()
		values, problems, more, err := parseImport(file, catalog)
		if err != nil {
			refuse(phenolink.ErrorMessage(err))
			return
		}
		if len(problems) > 0 {
			p.Errors, p.More = problems, more
			refuse(fmt.Sprintf("The file has %d problem(s); nothing was imported. Correct them and upload it again.", len(problems)+more))
			return
		}
		if len(values) == 0 {
			refuse("The file has no values to import.")
			return
		}
		if err := phenotypes.SavePhenotypeValues(ctx, values); err != nil {
			if c := phenolink.ErrorCode(err); c == phenolink.EINVALID || c == phenolink.EFORBIDDEN || c == phenolink.ENOTFOUND {
				refuse("Nothing was imported: " + phenolink.ErrorMessage(err))
				return
			}
			pages.error(w, r, err)
			return
		}
		if err := recordAudit(r, phenotypes, "import.phenotypes", fmt.Sprintf("%d values; profiles: %d", len(values), countProfiles(values))); err != nil {
			pages.error(w, r, err)
			return
		}
		sessions.Put(ctx, keyFlashMessage, fmt.Sprintf("Imported %d values.", len(values)))
		http.Redirect(w, r, "/research/import/", http.StatusSeeOther)
	})
}

// parseImport reads a CSV with the header "profile_id,<phenotype ids...>".
// An empty cell is no value. It returns the values, or the problems found
// (at most maxImportErrors, and how many more); err is for a file that
// cannot be read at all.
func parseImport(src io.Reader, catalog []phenolink.Phenotype) (values []phenolink.PhenotypeValue, problems []importError, more int, err error) {
	rd := csv.NewReader(src)
	rd.FieldsPerRecord = -1
	rd.TrimLeadingSpace = true
	header, err := rd.Read()
	if err == io.EOF {
		return nil, nil, 0, phenolink.Errorf(phenolink.EINVALID, "The file is empty; its first line must be profile_id followed by phenotype ids.")
	}
	if err != nil {
		return nil, nil, 0, phenolink.Errorf(phenolink.EINVALID, "Line 1 is not valid CSV: %v.", err)
	}
	byID := map[string]phenolink.Phenotype{}
	for _, ph := range catalog {
		byID[ph.ID] = ph
	}
	add := func(line int, format string, args ...any) {
		if len(problems) < maxImportErrors {
			problems = append(problems, importError{Line: line, Message: fmt.Sprintf(format, args...)})
		} else {
			more++
		}
	}
	if len(header) < 2 || strings.TrimPrefix(strings.TrimSpace(header[0]), "\ufeff") != "profile_id" {
		return nil, nil, 0, phenolink.Errorf(phenolink.EINVALID, "Line 1 must be profile_id followed by at least one phenotype id, such as profile_id,height_mm.")
	}
	cols := make([]phenolink.Phenotype, len(header))
	seenCol := map[string]bool{}
	for i, h := range header[1:] {
		h = strings.TrimSpace(h)
		ph, ok := byID[h]
		switch {
		case !ok:
			add(1, "Column %d: there is no phenotype %q in the catalog.", i+2, h)
		case seenCol[h]:
			add(1, "Column %d: %q appears twice.", i+2, h)
		}
		seenCol[h] = true
		cols[i+1] = ph
	}
	seenRow := map[string]int{}
	for line := 2; ; line++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			add(line, "Not valid CSV: %v.", err)
			continue
		}
		if line-1 > maxImportRows {
			return nil, nil, 0, phenolink.Errorf(phenolink.EINVALID, "The file has more than %d rows; split it into smaller files.", maxImportRows)
		}
		if len(rec) != len(header) {
			add(line, "Has %d fields; the header has %d.", len(rec), len(header))
			continue
		}
		id := strings.TrimSpace(rec[0])
		if id == "" {
			add(line, "The profile id is empty.")
			continue
		}
		if first, dup := seenRow[id]; dup {
			add(line, "Profile %q already appears on line %d.", id, first)
			continue
		}
		seenRow[id] = line
		for i, cell := range rec[1:] {
			cell = strings.TrimSpace(cell)
			ph := cols[i+1]
			if cell == "" || ph.ID == "" {
				continue
			}
			v, err := strconv.ParseFloat(cell, 64)
			if err == nil {
				err = ph.Check(v)
			} else {
				err = fmt.Errorf("%s must be a number, not %q.", ph.Label, cell)
			}
			if err != nil {
				add(line, "%s", phenolink.ErrorMessage(err))
				continue
			}
			values = append(values, phenolink.PhenotypeValue{ProfileID: id, PhenotypeID: ph.ID, Value: v, Source: phenolink.ValueSourceImport})
		}
	}
	return values, problems, more, nil
}

// countProfiles counts the distinct profiles among values.
func countProfiles(values []phenolink.PhenotypeValue) int {
	seen := map[string]bool{}
	for _, v := range values {
		seen[v.ProfileID] = true
	}
	return len(seen)
}
