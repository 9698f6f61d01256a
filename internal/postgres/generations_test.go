package postgres

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// TestGenerationsMoveWithTheCommit checks that the change counter moves
// with the commit of the writing transaction: readers see the old count
// with the old data until the commit and the new count with the new data
// after it, a rolled-back write leaves the count as it was, and a
// transaction writing many rows moves it once, on the same connection
// again and again.
func TestGenerationsMoveWithTheCommit(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1"}, []phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	for i, commit := range []bool{false, true, true} {
		before, err := db.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"height_mm", "weight_g", "sex"} {
			if _, err := tx.Exec(ctx, `
				INSERT INTO phenotype_values (profile_id, phenotype_id, value, source, updated_at) VALUES ('p1', $1, $2, 'survey', now())
				ON CONFLICT (profile_id, phenotype_id) DO UPDATE SET value = excluded.value`, p, float64(i)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO consents (user_id, version, text, given_at) VALUES ('u1', $1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET given_at = excluded.given_at`,
			phenolink.ConsentVersion, phenolink.ConsentText, time.Now()); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Generations(ctx); err != nil || got != before {
			t.Errorf("round %d: a reader during the write sees %+v, %v; want %+v", i, got, err, before)
		}
		if vs, err := db.PhenotypeValues(ctx, "p1"); err != nil || (i == 0 && len(vs) != 0) {
			t.Errorf("round %d: a reader during the write sees values %v, %v", i, vs, err)
		}
		if commit {
			err = tx.Commit(ctx)
		} else {
			err = tx.Rollback(ctx)
		}
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := before
		if commit {
			want.Cohort++ // once for four rows of two tables
		}
		if after != want {
			t.Errorf("round %d (commit %v): counters went from %+v to %+v, want %+v", i, commit, before, after, want)
		}
	}
	// A transaction that only reads moves nothing.
	before, err := db.Generations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT count(*) FROM phenotype_values`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if after, err := db.Generations(ctx); err != nil || after != before {
		t.Errorf("a read-only transaction moved the counters from %+v to %+v (%v)", before, after, err)
	}
}
