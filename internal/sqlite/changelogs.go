package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"phenolink/internal/phenolink"
)

// CohortChangesSince reads which profiles' values or consent changed after
// the cohort count gen, from the log that migration 00012's triggers
// write, and the current consenting values of the phenotypes ids held by
// those profiles, all from one read transaction; see
// phenolink.ChangeReader.
func (db *DB) CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.Changes, error) {
	ch, err := db.cohortChangesSince(ctx, gen, ids, max, fn)
	if err != nil {
		return phenolink.Changes{}, fmt.Errorf("sqlite.CohortChangesSince(%d, %d phenotypes): %w", gen, len(ids), err)
	}
	return ch, nil
}

func (db *DB) cohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (phenolink.Changes, error) {
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return phenolink.Changes{}, err
	}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return phenolink.Changes{}, err
	}
	defer rollback(tx)
	ch, err := readChanges(ctx, tx, cohortLog, gen, max)
	if err != nil || !ch.Complete {
		return ch, err
	}
	if err := checkCatalog(ctx, tx, ids); err != nil {
		return phenolink.Changes{}, err
	}
	if len(ids) > 0 && len(ch.Profiles) > 0 {
		if err := changedValues(ctx, tx, ids, ch.Profiles, fn); err != nil {
			return phenolink.Changes{}, err
		}
	}
	return ch, nil
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
	return querySortedStrings(ctx, q, `SELECT json_group_array(p.id) FROM profiles p JOIN consents c ON c.user_id = p.user_id WHERE EXISTS (SELECT 1 FROM phenotype_values v WHERE v.profile_id = p.id)`)
}

// storedProfiles returns the ids of the profiles with a stored record, in
// order.
func storedProfiles(ctx context.Context, q querier) ([]string, error) {
	return querySortedStrings(ctx, q, `SELECT json_group_array(profile_id) FROM genomes`)
}

// readChanges reads in q, a read transaction, the changes log holds after
// the count gen, at most max profiles of them (see phenolink.Changes).
func readChanges(ctx context.Context, q querier, log changeLog, gen int64, max int) (phenolink.Changes, error) {
	var ch phenolink.Changes
	var from int64
	if err := queryRow(ctx, q, `SELECT `+log.counter+`, `+log.from+` FROM generations`).Scan(&ch.Gen, &from); err != nil {
		return phenolink.Changes{}, err
	}
	if gen < from {
		return ch, nil
	}
	complete, left, profiles, err := changedProfiles(ctx, q, log.table, gen, max)
	if err != nil || !complete {
		return phenolink.Changes{Gen: ch.Gen}, err
	}
	ch.Complete, ch.Profiles = true, profiles
	if left {
		// Never nil, which would say nobody left.
		if ch.Present, err = log.present(ctx, q); err != nil {
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
func changedProfiles(ctx context.Context, q querier, log string, gen int64, max int) (complete, left bool, profiles []string, err error) {
	rows, err := query(ctx, q, `SELECT DISTINCT profile_id FROM `+log+` WHERE gen > ? ORDER BY profile_id LIMIT ?`, gen, int64(max)+2)
	if err != nil {
		return false, false, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return false, false, nil, err
		}
		switch {
		case p == "":
			left = true
		case len(profiles) == max:
			return false, false, nil, nil
		default:
			profiles = append(profiles, p)
		}
	}
	if err := rows.Err(); err != nil {
		return false, false, nil, err
	}
	return true, left, profiles, nil
}

// placeholders returns n numbered placeholders from ?first on (plain ?
// when first is 0, numbered after those before), joined by sep, each
// wrapped in open and close: placeholders(2, 1, "(", ")", ", ") is
// "(?1), (?2)".
func placeholders(n, first int, open, close, sep string) string {
	var b strings.Builder
	for k := range n {
		if k > 0 {
			b.WriteString(sep)
		}
		b.WriteString(open + "?")
		if first > 0 {
			b.WriteString(strconv.Itoa(first + k))
		}
		b.WriteString(close)
	}
	return b.String()
}

// stringArgs returns ss as query arguments.
func stringArgs(ss []string) []any {
	args := make([]any, len(ss))
	for i, s := range ss {
		args[i] = s
	}
	return args
}

// checkCatalog returns ENOTFOUND naming the first of ids not in the
// catalog.
func checkCatalog(ctx context.Context, q querier, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	var missing string
	err := queryRow(ctx, q, `
		WITH w(id) AS (VALUES `+placeholders(len(ids), 1, "(", ")", ", ")+`)
		SELECT w.id FROM w WHERE w.id NOT IN (SELECT id FROM phenotypes) LIMIT 1`, stringArgs(ids)...).Scan(&missing)
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
	var w strings.Builder
	for k := range ids {
		if k > 0 {
			w.WriteString(", ")
		}
		fmt.Fprintf(&w, "(%d, ?%d)", k, k+1)
	}
	args := append(stringArgs(ids), stringArgs(profiles)...)
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

// GenomeChangesSince reads which profiles' records were written or
// deleted after the genome count gen, from the log migration 00012's
// triggers write, and the calls at positions of those that have a record
// now, read from their pieces (genome_chunks), all from one read
// transaction; see phenolink.ChangeReader.
func (db *DB) GenomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(profileID string, calls []phenolink.Call) error) (phenolink.Changes, error) {
	ch, err := db.genomeChangesSince(ctx, gen, positions, max, fn)
	if err != nil {
		return phenolink.Changes{}, fmt.Errorf("sqlite.GenomeChangesSince(%d, %d positions): %w", gen, len(positions), err)
	}
	return ch, nil
}

func (db *DB) genomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(profileID string, calls []phenolink.Call) error) (phenolink.Changes, error) {
	if err := checkPositions(positions); err != nil {
		return phenolink.Changes{}, err
	}
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return phenolink.Changes{}, err
	}
	defer rollback(tx)
	ch, err := readChanges(ctx, tx, genomeLog, gen, max)
	if err != nil || !ch.Complete {
		return ch, err
	}
	ids, calls, err := recordCallsOf(ctx, tx, ch.Profiles, positions)
	if err != nil {
		return phenolink.Changes{}, err
	}
	if err := rollback(tx); err != nil {
		return phenolink.Changes{}, err
	}
	if err := eachRecordCalls(ids, calls, len(positions), fn); err != nil {
		return phenolink.Changes{}, err
	}
	return ch, nil
}

// recordCallsOf returns which of profiles (in order) have a stored record
// and, for ids[i], its calls at positions in calls[i*len(positions):]
// (NotOnChip past its end), read from those records' pieces as CallsAt
// reads every record's.
func recordCallsOf(ctx context.Context, tx *sql.Tx, profiles []string, positions []int) (ids []string, calls []phenolink.Call, err error) {
	if len(profiles) == 0 {
		return nil, nil, nil
	}
	if ids, err = querySortedStrings(ctx, tx, `SELECT json_group_array(profile_id) FROM genomes WHERE profile_id IN (`+placeholders(len(profiles), 1, "", "", ", ")+`)`, stringArgs(profiles)...); err != nil {
		return nil, nil, err
	}
	calls = make([]phenolink.Call, len(ids)*len(positions)) // NotOnChip
	if len(ids) == 0 {
		return ids, calls, nil
	}
	return ids, calls, readPieces(ctx, tx, piecesOf(positions), positions, ids, ids, calls)
}

// PruneChanges deletes each log of changes up to the newest count logged
// before the time given, and records that the log now starts there; see
// phenolink.ChangeReader.
func (db *DB) PruneChanges(ctx context.Context, before time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, l := range []changeLog{cohortLog, genomeLog} {
			if _, err := exec(ctx, tx, `
				UPDATE generations SET `+l.from+` = max(`+l.from+`,
					coalesce((SELECT max(gen) FROM `+l.table+` WHERE logged_at < ?), 0))`, before.Unix()); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `DELETE FROM `+l.table+` WHERE gen <= (SELECT `+l.from+` FROM generations)`); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite.PruneChanges: %w", err)
	}
	return nil
}
