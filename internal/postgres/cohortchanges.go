package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// CohortChangesSince reads which profiles' values or consent changed after
// the cohort count gen, from the log that migration 00012's triggers
// write, and the current consenting values of the phenotypes ids held by
// those profiles, all from one snapshot; see
// phenolink.CohortChangeReader.
func (db *DB) CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.CohortChanges, error) {
	ch, err := db.cohortChangesSince(ctx, gen, ids, max, fn)
	if err != nil {
		return phenolink.CohortChanges{}, fmt.Errorf("postgres.CohortChangesSince(%d, %d phenotypes): %w", gen, len(ids), err)
	}
	return ch, nil
}

func (db *DB) cohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.CohortChanges, error) {
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return phenolink.CohortChanges{}, err
	}
	var ch phenolink.CohortChanges
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		ch = phenolink.CohortChanges{}
		var from int64
		if err := tx.QueryRow(ctx, `SELECT cohort, cohort_logged_from FROM generations`).Scan(&ch.Gen, &from); err != nil {
			return err
		}
		if gen < from {
			return nil
		}
		// At most max+1 distinct profiles, NULL (the catalog) among them
		// if logged, so that a long log is not read to its end to find
		// it too long.
		rows, err := tx.Query(ctx, `
			SELECT profile_id FROM (SELECT DISTINCT profile_id COLLATE "C" AS profile_id FROM cohort_changes WHERE cohort > $1) c
			ORDER BY profile_id NULLS FIRST LIMIT $2`, gen, int64(max)+1)
		if err != nil {
			return err
		}
		changed, err := pgx.CollectRows(rows, pgx.RowTo[*string])
		if err != nil {
			return err
		}
		if len(changed) > max || len(changed) > 0 && changed[0] == nil {
			return nil
		}
		ch.Complete, ch.Profiles = true, make([]string, len(changed))
		for i, p := range changed {
			ch.Profiles[i] = *p
		}
		if err := checkCatalog(ctx, tx, ids); err != nil {
			return err
		}
		if len(ids) == 0 || len(ch.Profiles) == 0 {
			return nil
		}
		return changedValues(ctx, tx, ids, ch.Profiles, fn)
	})
	return ch, err
}

// checkCatalog returns ENOTFOUND naming the first of ids not in the
// catalog.
func checkCatalog(ctx context.Context, q querier, ids []string) error {
	var missing string
	err := q.QueryRow(ctx, `
		SELECT w.id FROM unnest($1::text[]) WITH ORDINALITY AS w(id, k)
		WHERE NOT EXISTS (SELECT 1 FROM phenotypes p WHERE p.id = w.id)
		ORDER BY w.k LIMIT 1`, ids).Scan(&missing)
	switch {
	case err == nil:
		return phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", missing)
	case errors.Is(err, pgx.ErrNoRows):
		return nil
	default:
		return err
	}
}

// changedValues calls fn, as CohortValuesOf does, for every value of the
// phenotypes ids held by one of the profiles whose user consents.
func changedValues(ctx context.Context, tx pgx.Tx, ids, profiles []string, fn func(profileID string, phenotype int, value float64) error) error {
	rows, err := tx.Query(ctx, `
		SELECT v.profile_id, array_position($1::text[], v.phenotype_id)::integer - 1, v.value
		FROM phenotype_values v
		JOIN profiles p ON p.id = v.profile_id
		JOIN consents c ON c.user_id = p.user_id
		WHERE v.profile_id = ANY ($2::text[]) AND v.phenotype_id = ANY ($1::text[])
		ORDER BY v.profile_id COLLATE "C", v.phenotype_id COLLATE "C"`, ids, profiles)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		profileID string
		k         int32
		value     float64
	)
	for rows.Next() {
		if err := rows.Scan(&profileID, &k, &value); err != nil {
			return err
		}
		if err := fn(profileID, int(k), value); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PruneCohortChanges deletes the log of changes up to the newest count
// logged before the time given, and records that the log now starts
// there; see phenolink.CohortChangeReader.
func (db *DB) PruneCohortChanges(ctx context.Context, before time.Time) error {
	_, err := db.pool.Exec(ctx, `
		WITH upto AS (SELECT max(cohort) AS cohort FROM cohort_changes WHERE logged_at < $1),
		gone AS (DELETE FROM cohort_changes WHERE cohort <= (SELECT cohort FROM upto))
		UPDATE generations SET cohort_logged_from = (SELECT cohort FROM upto)
		WHERE (SELECT cohort FROM upto) > cohort_logged_from`, before)
	if err != nil {
		return fmt.Errorf("postgres.PruneCohortChanges: %w", err)
	}
	return nil
}
