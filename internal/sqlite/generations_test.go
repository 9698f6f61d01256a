package sqlite

import (
	"testing"
	"time"

	"phenolink/internal/phenolink"
)

// TestGenerationsMoveWithTheCommit checks that the change counter moves
// inside the writing transaction: readers see the old count with the old
// data until the commit and the new count with the new data after it, and
// a rolled-back write leaves the count as it was. The results page's cache
// relies on exactly this.
func TestGenerationsMoveWithTheCommit(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	if err := db.SaveUser(ctx, phenolink.User{ID: "u1"}, []phenolink.Profile{{ID: "p1", UserID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	for _, commit := range []bool{false, true} {
		before, err := db.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.write.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := exec(ctx, tx, `INSERT INTO consents (user_id, version, text, given_at) VALUES (?, ?, ?, ?)`,
			"u1", phenolink.ConsentVersion, phenolink.ConsentText, time.Now().UnixNano()); err != nil {
			t.Fatal(err)
		}
		var inTx int64
		if err := queryRow(ctx, tx, `SELECT cohort FROM generations`).Scan(&inTx); err != nil {
			t.Fatal(err)
		}
		if inTx != before.Cohort+1 {
			t.Errorf("inside the writing transaction the cohort count is %d, want %d", inTx, before.Cohort+1)
		}
		if got, err := db.Generations(ctx); err != nil || got != before {
			t.Errorf("a reader during the write sees %+v, %v; want %+v", got, err, before)
		}
		if _, err := db.Consent(ctx, "u1"); phenolink.ErrorCode(err) != phenolink.ENOTFOUND {
			t.Errorf("a reader during the write sees the consent: %v", err)
		}
		if commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		after, err := db.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, consentErr := db.Consent(ctx, "u1")
		switch {
		case !commit && (after != before || consentErr == nil):
			t.Errorf("after a rollback: counters %+v (before %+v), consent read %v; want both unchanged", after, before, consentErr)
		case commit && (after.Cohort != before.Cohort+1 || after.Genomes != before.Genomes || consentErr != nil):
			t.Errorf("after the commit: counters %+v (before %+v), consent read %v; want the cohort count moved and the consent there", after, before, consentErr)
		}
	}
}
