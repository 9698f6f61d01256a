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
// phenolink.ChangeReader.
func (db *DB) CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.Changes, error) {
	ch, err := db.cohortChangesSince(ctx, gen, ids, max, fn)
	if err != nil {
		return phenolink.Changes{}, fmt.Errorf("postgres.CohortChangesSince(%d, %d phenotypes): %w", gen, len(ids), err)
	}
	return ch, nil
}

func (db *DB) cohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.Changes, error) {
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return phenolink.Changes{}, err
	}
	var ch phenolink.Changes
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if ch, err = readChanges(ctx, tx, cohortLog, gen, max); err != nil || !ch.Complete {
			return err
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

// changeLog is one log of changes (migration 00012): its table, the
// counter it follows and the column saying from which count it is
// complete, and the read of the ids still counted, in order, for when
// profiles have left.
type changeLog struct {
	table, counter, from string
	present              func(context.Context, querier) ([]string, error)
}

var (
	cohortLog = changeLog{"cohort_changes", "cohort", "cohort_logged_from", countedProfiles}
	genomeLog = changeLog{"genome_changes", "genomes", "genomes_logged_from", storedProfiles}
)

// countedProfiles returns the ids of the profiles a cohort read counts,
// in order: those whose user consents and that hold a value. A profile
// that holds none is in no read, so one whose id came back after its
// deletion, with no value, is not taken for the one that left.
func countedProfiles(ctx context.Context, q querier) ([]string, error) {
	return querySortedTextArray(ctx, q, `SELECT array_agg(p.id) FROM profiles p JOIN consents c ON c.user_id = p.user_id WHERE EXISTS (SELECT 1 FROM phenotype_values v WHERE v.profile_id = p.id)`)
}

// storedProfiles returns the ids of the profiles with a stored record, in
// byte order.
func storedProfiles(ctx context.Context, q querier) ([]string, error) {
	return querySortedTextArray(ctx, q, `SELECT array_agg(profile_id) FROM genomes`)
}

// readChanges reads in tx, a repeatable-read transaction, the changes log
// holds after the count gen, at most max profiles of them (see
// phenolink.Changes).
func readChanges(ctx context.Context, tx pgx.Tx, log changeLog, gen int64, max int) (phenolink.Changes, error) {
	var ch phenolink.Changes
	var from int64
	if err := tx.QueryRow(ctx, `SELECT `+log.counter+`, `+log.from+` FROM generations`).Scan(&ch.Gen, &from); err != nil {
		return phenolink.Changes{}, err
	}
	if gen < from {
		return ch, nil
	}
	complete, left, profiles, err := changedProfiles(ctx, tx, log.table, gen, max)
	if err != nil || !complete {
		return phenolink.Changes{Gen: ch.Gen}, err
	}
	ch.Complete, ch.Profiles = true, profiles
	if left {
		if ch.Present, err = log.present(ctx, tx); err != nil { // never nil
			return phenolink.Changes{}, err
		}
	}
	return ch, nil
}

// changedProfiles reads the profiles that log (cohort_changes or
// genome_changes) names after the count gen, in byte order; left reports
// whether it also holds the empty id, profiles that have left, and
// complete is false when it holds more than max profiles. It reads at
// most max+2 rows, the empty id first if logged, so that a long log is
// not read to its end to find it too long.
func changedProfiles(ctx context.Context, tx pgx.Tx, log string, gen int64, max int) (complete, left bool, profiles []string, err error) {
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT profile_id COLLATE "C" AS profile_id FROM `+log+` WHERE gen > $1
		ORDER BY profile_id LIMIT $2`, gen, int64(max)+2)
	if err != nil {
		return false, false, nil, err
	}
	if profiles, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return false, false, nil, err
	}
	if left = len(profiles) > 0 && profiles[0] == ""; left {
		profiles = profiles[1:]
	}
	if len(profiles) > max {
		return false, false, nil, nil
	}
	return true, left, profiles, nil
}

// GenomeChangesSince reads which profiles' records were written or
// deleted after the genome count gen, from the log migration 00012's
// triggers write, and the calls at positions of those that have a record
// now, read from their pieces (genome_chunks), all from one snapshot; see
// phenolink.ChangeReader.
func (db *DB) GenomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(profileID string, calls []phenolink.Call) error) (phenolink.Changes, error) {
	ch, err := db.genomeChangesSince(ctx, gen, positions, max, fn)
	if err != nil {
		return phenolink.Changes{}, fmt.Errorf("postgres.GenomeChangesSince(%d, %d positions): %w", gen, len(positions), err)
	}
	return ch, nil
}

func (db *DB) genomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(profileID string, calls []phenolink.Call) error) (phenolink.Changes, error) {
	if err := checkPositions(positions); err != nil {
		return phenolink.Changes{}, err
	}
	var ch phenolink.Changes
	var ids []string
	var cols [][]phenolink.Call
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		var err error
		if ch, err = readChanges(ctx, tx, genomeLog, gen, max); err != nil || !ch.Complete {
			return err
		}
		if ids, err = querySortedTextArray(ctx, tx, `SELECT array_agg(profile_id) FROM genomes WHERE profile_id = ANY ($1::text[])`, ch.Profiles); err != nil {
			return err
		}
		cols, err = db.readCalls(ctx, tx, positions, ids, true)
		return err
	})
	if err != nil {
		return phenolink.Changes{}, err
	}
	return ch, eachRecordCalls(ids, cols, fn)
}

// PruneChanges deletes each log of changes up to the newest count logged
// before the time given, and records that the log now starts there; see
// phenolink.ChangeReader.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		for _, l := range []changeLog{cohortLog, genomeLog} {
			_, err := tx.Exec(ctx, `
				WITH upto AS (SELECT max(gen) AS gen FROM `+l.table+` WHERE logged_at < $1),
				gone AS (DELETE FROM `+l.table+` WHERE gen <= (SELECT gen FROM upto))
				UPDATE generations SET `+l.from+` = (SELECT gen FROM upto)
				WHERE (SELECT gen FROM upto) > `+l.from, before)
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres.PruneChanges: %w", err)
	}
	return nil
}
