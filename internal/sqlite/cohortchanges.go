package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"phenolink/internal/phenolink"
)

// CohortChangesSince reads which profiles' values or consent changed after
// the cohort count gen, from the log that migration 00012's triggers
// write, and the current consenting values of the phenotypes ids held by
// those profiles, all from one read transaction; see
// phenolink.CohortChangeReader.
func (db *DB) CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.CohortChanges, error) {
	ch, err := db.cohortChangesSince(ctx, gen, ids, max, fn)
	if err != nil {
		return phenolink.CohortChanges{}, fmt.Errorf("sqlite.CohortChangesSince(%d, %d phenotypes): %w", gen, len(ids), err)
	}
	return ch, nil
}

func (db *DB) cohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.CohortChanges, error) {
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return phenolink.CohortChanges{}, err
	}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return phenolink.CohortChanges{}, err
	}
	defer rollback(tx)
	var ch phenolink.CohortChanges
	var from int64
	if err := queryRow(ctx, tx, `SELECT cohort, cohort_logged_from FROM generations`).Scan(&ch.Gen, &from); err != nil {
		return phenolink.CohortChanges{}, err
	}
	if gen < from {
		return ch, nil
	}
	// At most max+1 distinct profiles, NULL (the catalog) first if
	// logged, so that a long log is not read to its end to find it too
	// long.
	rows, err := query(ctx, tx, `
		SELECT DISTINCT profile_id FROM cohort_changes WHERE cohort > ?
		ORDER BY profile_id LIMIT ?`, gen, int64(max)+1)
	if err != nil {
		return phenolink.CohortChanges{}, err
	}
	changed, err := scanNullStrings(rows)
	if err != nil {
		return phenolink.CohortChanges{}, err
	}
	if len(changed) > max || len(changed) > 0 && !changed[0].Valid {
		return ch, nil
	}
	ch.Complete, ch.Profiles = true, make([]string, len(changed))
	for i, p := range changed {
		ch.Profiles[i] = p.String
	}
	if err := checkCatalog(ctx, tx, ids); err != nil {
		return phenolink.CohortChanges{}, err
	}
	if len(ids) > 0 && len(ch.Profiles) > 0 {
		if err := changedValues(ctx, tx, ids, ch.Profiles, fn); err != nil {
			return phenolink.CohortChanges{}, err
		}
	}
	return ch, nil
}

// scanNullStrings reads rows of one nullable text column.
func scanNullStrings(rows *sql.Rows) ([]sql.NullString, error) {
	defer rows.Close()
	var out []sql.NullString
	for rows.Next() {
		var s sql.NullString
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// placeholders returns n numbered placeholders from ?first on, joined by
// sep, each wrapped in open and close: placeholders(2, 1, "(", ")", ", ")
// is "(?1), (?2)".
func placeholders(n, first int, open, close, sep string) string {
	var b strings.Builder
	for k := range n {
		if k > 0 {
			b.WriteString(sep)
		}
		fmt.Fprintf(&b, "%s?%d%s", open, first+k, close)
	}
	return b.String()
}

// checkCatalog returns ENOTFOUND naming the first of ids not in the
// catalog.
func checkCatalog(ctx context.Context, q querier, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for k, id := range ids {
		args[k] = id
	}
	var missing string
	err := queryRow(ctx, q, `
		WITH w(k, id) AS (VALUES `+placeholders(len(ids), 1, "(0, ", ")", ", ")+`)
		SELECT w.id FROM w WHERE w.id NOT IN (SELECT id FROM phenotypes) LIMIT 1`, args...).Scan(&missing)
	switch {
	case err == nil:
		return phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", missing)
	case errors.Is(err, sql.ErrNoRows):
		return nil
	default:
		return err
	}
}

// changedValues calls fn, as CohortValuesOf does, for every value of the
// phenotypes ids held by one of the profiles whose user consents.
func changedValues(ctx context.Context, q querier, ids, profiles []string, fn func(profileID string, phenotype int, value float64) error) error {
	args := make([]any, 0, len(ids)+len(profiles))
	var w strings.Builder
	for k, id := range ids {
		if k > 0 {
			w.WriteString(", ")
		}
		fmt.Fprintf(&w, "(%d, ?%d)", k, k+1)
		args = append(args, id)
	}
	for _, p := range profiles {
		args = append(args, p)
	}
	rows, err := query(ctx, q, `
		WITH w(k, id) AS (VALUES `+w.String()+`)
		SELECT v.profile_id, w.k, v.value
		FROM phenotype_values v
		JOIN w ON w.id = v.phenotype_id
		JOIN profiles p ON p.id = v.profile_id
		JOIN consents c ON c.user_id = p.user_id
		WHERE v.profile_id IN (`+placeholders(len(profiles), len(ids)+1, "", "", ", ")+`)
		ORDER BY v.profile_id, v.phenotype_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		profileID string
		k         int
		value     float64
	)
	for rows.Next() {
		if err := rows.Scan(&profileID, &k, &value); err != nil {
			return err
		}
		if err := fn(profileID, k, value); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PruneCohortChanges deletes the log of changes up to the newest count
// logged before the time given, and records that the log now starts
// there; see phenolink.CohortChangeReader.
func (db *DB) PruneCohortChanges(ctx context.Context, before time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := exec(ctx, tx, `
			UPDATE generations SET cohort_logged_from = max(cohort_logged_from,
				coalesce((SELECT max(cohort) FROM cohort_changes WHERE logged_at < ?), 0))`, before.Unix()); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM cohort_changes WHERE cohort <= (SELECT cohort_logged_from FROM generations)`)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.PruneCohortChanges: %w", err)
	}
	return nil
}
