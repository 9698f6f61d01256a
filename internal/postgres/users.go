package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// SaveUser creates or updates u and makes profiles the user's set of
// profiles, in one transaction. Profiles are updated in place and only the
// ones no longer listed are deleted, because data hangs off them.
func (db *DB) SaveUser(ctx context.Context, u phenolink.User, profiles []phenolink.Profile) error {
	if err := validateUser(u, profiles); err != nil {
		return fmt.Errorf("postgres.SaveUser(%q): %w", u.ID, err)
	}
	now := time.Now()
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO users (id, first_name, last_name, email, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)
			ON CONFLICT (id) DO UPDATE SET
				first_name = excluded.first_name,
				last_name = excluded.last_name,
				email = excluded.email,
				updated_at = excluded.updated_at`,
			u.ID, u.FirstName, u.LastName, u.Email, now); err != nil {
			return err
		}
		keep := make([]string, len(profiles))
		for i, p := range profiles {
			keep[i] = p.ID
		}
		if _, err := tx.Exec(ctx, `DELETE FROM profiles WHERE user_id = $1 AND NOT (id = ANY($2))`, u.ID, keep); err != nil {
			return err
		}
		for _, p := range profiles {
			tag, err := tx.Exec(ctx, `
				INSERT INTO profiles (id, user_id, first_name, last_name, is_genotyped)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (id) DO UPDATE SET
					first_name = excluded.first_name,
					last_name = excluded.last_name,
					is_genotyped = excluded.is_genotyped
				WHERE profiles.user_id = excluded.user_id`,
				p.ID, p.UserID, p.FirstName, p.LastName, p.IsGenotyped)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return phenolink.Errorf(phenolink.ECONFLICT, "Profile %q already belongs to another account.", p.ID)
			}
		}
		return nil
	})
	if isUniqueViolation(err) {
		err = fmt.Errorf("%w: %w", phenolink.Errorf(phenolink.ECONFLICT, "Account %q was changed at the same time; try again.", u.ID), err)
	}
	if err != nil {
		return fmt.Errorf("postgres.SaveUser(%q): %w", u.ID, err)
	}
	return nil
}

// validateUser checks u and its profiles before anything is written.
func validateUser(u phenolink.User, profiles []phenolink.Profile) error {
	if err := u.Validate(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(profiles))
	for _, p := range profiles {
		if err := p.Validate(); err != nil {
			return err
		}
		if p.UserID != u.ID {
			return phenolink.Errorf(phenolink.EINVALID, "Profile %q belongs to account %q, not %q.", p.ID, p.UserID, u.ID)
		}
		if seen[p.ID] {
			return phenolink.Errorf(phenolink.EINVALID, "Profile %q is listed twice.", p.ID)
		}
		seen[p.ID] = true
	}
	return nil
}

// User returns the user with the account id, or an ENOTFOUND error.
func (db *DB) User(ctx context.Context, id string) (phenolink.User, error) {
	u := phenolink.User{ID: id}
	err := db.pool.QueryRow(ctx, `
		SELECT first_name, last_name, email, created_at, updated_at FROM users WHERE id = $1`, id).
		Scan(&u.FirstName, &u.LastName, &u.Email, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No user has account id %q; sign in with 23andMe first.", id)
	}
	if err != nil {
		return phenolink.User{}, fmt.Errorf("postgres.User(%q): %w", id, err)
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, nil
}

// Profiles returns the user's profiles ordered by id, or an ENOTFOUND error
// when the user does not exist.
func (db *DB) Profiles(ctx context.Context, userID string) ([]phenolink.Profile, error) {
	rows, _ := db.pool.Query(ctx, `
		SELECT id, first_name, last_name, is_genotyped FROM profiles WHERE user_id = $1 ORDER BY id`, userID)
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phenolink.Profile, error) {
		p := phenolink.Profile{UserID: userID}
		err := row.Scan(&p.ID, &p.FirstName, &p.LastName, &p.IsGenotyped)
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres.Profiles(%q): %w", userID, err)
	}
	if len(ps) == 0 {
		// Tell an account without profiles from a missing account.
		if _, err := db.User(ctx, userID); err != nil {
			return nil, fmt.Errorf("postgres.Profiles(%q): %w", userID, err)
		}
		return []phenolink.Profile{}, nil
	}
	return ps, nil
}

// DeleteUser removes the user and every row belonging to them, in one
// transaction, or returns an ENOTFOUND error.
func (db *DB) DeleteUser(ctx context.Context, id string) error {
	// Every table holding a user's rows, children first. Each is emptied
	// explicitly rather than trusting cascades alone; later features add
	// their tables here.
	// The shared marker index and phenotype catalog are reference data,
	// not the user's, and stay. So do scans and the audit log: they are
	// researchers' records of what they ran and exported, hold no
	// participant data, and name the researcher only by account id.
	userRows := []string{
		`DELETE FROM jobs WHERE user_id = $1 OR profile_id IN (SELECT id FROM profiles WHERE user_id = $1)`,
		`DELETE FROM phenotype_values WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = $1)`,
		`DELETE FROM consents WHERE user_id = $1`,
		`DELETE FROM roles WHERE user_id = $1`,
		`DELETE FROM genome_chunks WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = $1)`,
		`DELETE FROM genomes WHERE profile_id IN (SELECT id FROM profiles WHERE user_id = $1)`,
		`DELETE FROM sessions WHERE user_id = $1`,
		`DELETE FROM tokens WHERE user_id = $1`,
		`DELETE FROM profiles WHERE user_id = $1`,
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		for _, stmt := range userRows {
			if _, err := tx.Exec(ctx, stmt, id); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM users WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return phenolink.Errorf(phenolink.ENOTFOUND, "No user has account id %q; nothing was deleted.", id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres.DeleteUser(%q): %w", id, err)
	}
	return nil
}

// GenomeStatus returns the profile's stored genome and newest genome job in
// one query. The job is picked as LatestJob per kind and then the later
// created, so the answer matches reading them one by one.
func (db *DB) GenomeStatus(ctx context.Context, profileID string) (phenolink.GenomeStatus, error) {
	var (
		s                 phenolink.GenomeStatus
		hasGenome, hasJob bool
		g                 = phenolink.GenomeInfo{ProfileID: profileID}
		imported          *time.Time
		j                 phenolink.Job
		runAfter, locked  *time.Time
		created, updated  *time.Time
	)
	err := db.pool.QueryRow(ctx, `
		SELECT g.profile_id IS NOT NULL, coalesce(g.source, ''), coalesce(g.build, 0), coalesce(g.chip, ''),
			coalesce(g.marker_count, 0), coalesce(g.called, 0), coalesce(g.call_rate, 0),
			coalesce(g.mismatches, 0), g.imported_at,
			j.id IS NOT NULL, coalesce(j.id, 0), coalesce(j.kind, ''), coalesce(j.user_id, ''),
			coalesce(j.profile_id, ''), coalesce(j.state, ''), coalesce(j.progress, 0), coalesce(j.message, ''),
			coalesce(j.attempts, 0), coalesce(j.max_attempts, 0), j.run_after, j.locked_until, j.created_at, j.updated_at
		FROM (SELECT $1::text AS profile_id) AS this
		LEFT JOIN genomes g ON g.profile_id = this.profile_id
		LEFT JOIN jobs j ON j.id = (
			SELECT id FROM jobs WHERE id IN (
				(SELECT max(id) FROM jobs WHERE profile_id = this.profile_id AND kind = $2),
				(SELECT max(id) FROM jobs WHERE profile_id = this.profile_id AND kind = $3))
			ORDER BY created_at DESC, id DESC LIMIT 1)`,
		profileID, phenolink.JobImportGenome, phenolink.JobSyncGenome).
		Scan(&hasGenome, &g.Source, &g.Build, &g.Chip, &g.MarkerCount, &g.Called, &g.CallRate, &g.Mismatches, &imported,
			&hasJob, &j.ID, &j.Kind, &j.UserID, &j.ProfileID, &j.State, &j.Progress, &j.Message,
			&j.Attempts, &j.MaxAttempts, &runAfter, &locked, &created, &updated)
	if err != nil {
		return phenolink.GenomeStatus{}, fmt.Errorf("postgres.GenomeStatus(%q): %w", profileID, err)
	}
	if hasGenome {
		g.ImportedAt = imported.UTC()
		s.Genome = &g
	}
	if hasJob {
		j.RunAfter, j.CreatedAt, j.UpdatedAt = runAfter.UTC(), created.UTC(), updated.UTC()
		if locked != nil {
			j.LockedUntil = locked.UTC()
		}
		s.Job = &j
	}
	return s, nil
}

var _ phenolink.GenomeStatusReader = (*DB)(nil)
