package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

// phenotypeColumns is the select list scanPhenotype reads.
const phenotypeColumns = `id, label, unit, kind, min, max, level0, level1, source, description, step`

func scanPhenotype(row pgx.Row) (phenolink.Phenotype, error) {
	var p phenolink.Phenotype
	err := row.Scan(&p.ID, &p.Label, &p.Unit, &p.Kind, &p.Min, &p.Max, &p.Levels[0], &p.Levels[1], &p.Source, &p.Description, &p.Step)
	return p, err
}

// insertPhenotype is the statement SavePhenotype and the seed share; the
// seed appends DO NOTHING, SavePhenotype an update.
const insertPhenotype = `
	INSERT INTO phenotypes (id, label, unit, kind, min, max, level0, level1, source, description, step)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`

func phenotypeArgs(p phenolink.Phenotype) []any {
	return []any{p.ID, p.Label, p.Unit, p.Kind, p.Min, p.Max, p.Levels[0], p.Levels[1], p.Source, p.Description, p.Step}
}

// seedPhenotypes adds the default catalog entries whose ids are missing,
// leaving entries edited since alone.
func (db *DB) seedPhenotypes(ctx context.Context) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		for _, p := range phenolink.DefaultPhenotypes() {
			if err := p.Validate(); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, insertPhenotype+` ON CONFLICT (id) DO NOTHING`, phenotypeArgs(p)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Phenotypes returns the catalog ordered by source, then label, compared
// byte by byte whatever the database's collation.
func (db *DB) Phenotypes(ctx context.Context) ([]phenolink.Phenotype, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+phenotypeColumns+` FROM phenotypes ORDER BY source COLLATE "C", label COLLATE "C", id COLLATE "C"`)
	ps, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phenolink.Phenotype, error) { return scanPhenotype(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres.Phenotypes: %w", err)
	}
	if ps == nil {
		ps = []phenolink.Phenotype{}
	}
	return ps, nil
}

// Phenotype returns one catalog entry, or ENOTFOUND.
func (db *DB) Phenotype(ctx context.Context, id string) (phenolink.Phenotype, error) {
	p, err := phenotype(ctx, db.pool, id)
	if err != nil {
		return phenolink.Phenotype{}, fmt.Errorf("postgres.Phenotype(%q): %w", id, err)
	}
	return p, nil
}

func phenotype(ctx context.Context, q querier, id string) (phenolink.Phenotype, error) {
	p, err := scanPhenotype(q.QueryRow(ctx, `SELECT `+phenotypeColumns+` FROM phenotypes WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", id)
	}
	return p, err
}

// SavePhenotype adds or updates a catalog entry.
func (db *DB) SavePhenotype(ctx context.Context, p phenolink.Phenotype) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("postgres.SavePhenotype(%q): %w", p.ID, err)
	}
	_, err := db.pool.Exec(ctx, insertPhenotype+`
		ON CONFLICT (id) DO UPDATE SET
			label = excluded.label, unit = excluded.unit, kind = excluded.kind,
			min = excluded.min, max = excluded.max, level0 = excluded.level0, level1 = excluded.level1,
			source = excluded.source, description = excluded.description, step = excluded.step`,
		phenotypeArgs(p)...)
	if err != nil {
		return fmt.Errorf("postgres.SavePhenotype(%q): %w", p.ID, err)
	}
	return nil
}

// rowError names the offending value of a batch in err's message, keeping
// its code.
func rowError(i int, v phenolink.PhenotypeValue, err error) error {
	return phenolink.Errorf(phenolink.ErrorCode(err), "Row %d (profile %q, phenotype %q): %s",
		i+1, v.ProfileID, v.PhenotypeID, phenolink.ErrorMessage(err))
}

// SavePhenotypeValues validates every value against the catalog, checks
// that each profile exists and its user consents, and stores all of the
// values or none, in one transaction.
func (db *DB) SavePhenotypeValues(ctx context.Context, values []phenolink.PhenotypeValue) error {
	now := time.Now().UTC()
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		catalog := map[string]phenolink.Phenotype{}
		consenting := map[string]error{} // profile id -> nil when it may contribute
		for i, v := range values {
			p, ok := catalog[v.PhenotypeID]
			if !ok {
				var err error
				if p, err = phenotype(ctx, tx, v.PhenotypeID); err != nil {
					if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
						return rowError(i, v, err)
					}
					return err
				}
				catalog[v.PhenotypeID] = p
			}
			if err := p.Check(v.Value); err != nil {
				return rowError(i, v, err)
			}
			if v.Source != phenolink.ValueSourceSurvey && v.Source != phenolink.ValueSourceImport {
				return rowError(i, v, phenolink.Errorf(phenolink.EINVALID, "A value comes from %q or %q, not %q.",
					phenolink.ValueSourceSurvey, phenolink.ValueSourceImport, v.Source))
			}
			refusal, ok := consenting[v.ProfileID]
			if !ok {
				var err error
				if refusal, err = mayContribute(ctx, tx, v.ProfileID); err != nil {
					return err
				}
				consenting[v.ProfileID] = refusal
			}
			if refusal != nil {
				return rowError(i, v, refusal)
			}
		}
		batch := &pgx.Batch{}
		for _, v := range values {
			at := v.UpdatedAt
			if at.IsZero() {
				at = now
			}
			batch.Queue(`
				INSERT INTO phenotype_values (profile_id, phenotype_id, value, source, updated_at)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (profile_id, phenotype_id) DO UPDATE SET
					value = excluded.value, source = excluded.source, updated_at = excluded.updated_at`,
				v.ProfileID, v.PhenotypeID, v.Value, v.Source, at)
		}
		return tx.SendBatch(ctx, batch).Close()
	})
	if err != nil {
		return fmt.Errorf("postgres.SavePhenotypeValues(%d values): %w", len(values), err)
	}
	return nil
}

// mayContribute returns the domain error that keeps the profile from
// contributing values (missing, or its user does not consent), nil when it
// may. A withdrawal racing with the save needs no lock: every read of the
// cohort joins the consents, so values saved just after one never count.
func mayContribute(ctx context.Context, q querier, profileID string) (refusal, err error) {
	var consents bool
	err = q.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM consents c WHERE c.user_id = p.user_id) FROM profiles p WHERE p.id = $1`,
		profileID).Scan(&consents)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return phenolink.Errorf(phenolink.ENOTFOUND, "No profile has id %q.", profileID), nil
	case err != nil:
		return nil, err
	case !consents:
		return phenolink.Errorf(phenolink.EFORBIDDEN, "The account of profile %q has not consented to research use.", profileID), nil
	}
	return nil, nil
}

// DeletePhenotypeValue removes one value; a missing one is not an error.
func (db *DB) DeletePhenotypeValue(ctx context.Context, profileID, phenotypeID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM phenotype_values WHERE profile_id = $1 AND phenotype_id = $2`, profileID, phenotypeID); err != nil {
		return fmt.Errorf("postgres.DeletePhenotypeValue(%q, %q): %w", profileID, phenotypeID, err)
	}
	return nil
}

// collectValues reads rows of profile_id, phenotype_id, value, source,
// updated_at.
func collectValues(rows pgx.Rows) ([]phenolink.PhenotypeValue, error) {
	vs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phenolink.PhenotypeValue, error) {
		var v phenolink.PhenotypeValue
		err := row.Scan(&v.ProfileID, &v.PhenotypeID, &v.Value, &v.Source, &v.UpdatedAt)
		v.UpdatedAt = v.UpdatedAt.UTC()
		return v, err
	})
	if vs == nil {
		vs = []phenolink.PhenotypeValue{}
	}
	return vs, err
}

// PhenotypeValues returns a profile's values ordered by phenotype id.
func (db *DB) PhenotypeValues(ctx context.Context, profileID string) ([]phenolink.PhenotypeValue, error) {
	rows, _ := db.pool.Query(ctx, `
		SELECT profile_id, phenotype_id, value, source, updated_at FROM phenotype_values
		WHERE profile_id = $1 ORDER BY phenotype_id COLLATE "C"`, profileID)
	vs, err := collectValues(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres.PhenotypeValues(%q): %w", profileID, err)
	}
	return vs, nil
}

// CohortValues returns the phenotype's values of every profile whose user
// currently consents, ordered by profile id; ENOTFOUND for a phenotype
// not in the catalog.
func (db *DB) CohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	var vs []phenolink.PhenotypeValue
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := phenotype(ctx, tx, phenotypeID); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			SELECT v.profile_id, v.phenotype_id, v.value, v.source, v.updated_at
			FROM phenotype_values v
			JOIN profiles p ON p.id = v.profile_id
			JOIN consents c ON c.user_id = p.user_id
			WHERE v.phenotype_id = $1
			ORDER BY v.profile_id COLLATE "C"`, phenotypeID)
		var err error
		vs, err = collectValues(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres.CohortValues(%q): %w", phenotypeID, err)
	}
	return vs, nil
}

// CohortValuesOf calls fn for every value of the phenotypes ids held by a
// profile whose user currently consents, in profile id order and then
// phenotype id order (bytes), reading only the profile id, the phenotype's
// place in ids and the value, from one snapshot.
//
// It reads the consenting profiles' ids, then each phenotype's values as
// one row (see phenotypeColumnsOf), and merges them: a value's profile id
// is the consenting list's string, so the read allocates nothing per
// value.
func (db *DB) CohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error {
	if err := db.cohortValuesOf(ctx, ids, fn); err != nil {
		return fmt.Errorf("postgres.CohortValuesOf(%d phenotypes): %w", len(ids), err)
	}
	return nil
}

func (db *DB) cohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error {
	if err := phenolink.CheckCohortPhenotypeIDs(ids); err != nil {
		return err
	}
	if len(ids) == 0 {
		return nil
	}
	return pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := checkCatalog(ctx, tx, ids); err != nil {
			return err
		}
		consenting, err := consentingProfiles(ctx, tx)
		if err != nil {
			return err
		}
		columns, err := phenotypeColumnsOf(ctx, tx, ids)
		if err != nil {
			return err
		}
		return phenolink.EachCohortValue(consenting, columns, fn)
	})
}

// valueColumn is one phenotype's values as phenotypeColumnsOf reads them:
// its profiles' ids as a binary text[] and the values as consecutive
// big-endian float8s, both in profile id order, read forward.
type valueColumn struct {
	phenotype string
	place     int    // in the ids asked for
	ids       []byte // the array's elements from next on
	values    []byte // the values from next on
}

// phenotypeColumnsOf reads the values of the phenotypes ids, one row per
// phenotype holding any, in phenotype id order (bytes). Each row brings
// its profiles' ids as one array and its values as one bytea, in profile
// id order, so 90,000 values come in ten rows instead of 90,000: the
// server walks the index on (phenotype_id, profile_id) alone, and the
// client decodes no row per value. The order within a row comes from the
// sorted subquery; without parallel workers, aggregation keeps it, and
// phenolink.EachCohortValue checks it.
func phenotypeColumnsOf(ctx context.Context, tx pgx.Tx, ids []string) ([]*valueColumn, error) {
	if _, err := tx.Exec(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `
		SELECT phenotype_id, array_position($1::text[], phenotype_id) - 1, array_agg(profile_id), string_agg(float8send(value), ''::bytea)
		FROM (SELECT phenotype_id, profile_id, value FROM phenotype_values
		      WHERE phenotype_id = ANY ($1::text[])
		      ORDER BY phenotype_id, profile_id COLLATE "C") v
		GROUP BY phenotype_id`,
		pgx.QueryResultFormats{pgx.TextFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode, pgx.BinaryFormatCode}, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var columns []*valueColumn
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw[1]) != 4 {
			return nil, fmt.Errorf("unexpected place of %d bytes", len(raw[1]))
		}
		c := &valueColumn{phenotype: string(raw[0]), place: int(int32(binary.BigEndian.Uint32(raw[1])))}
		// Copied: raw values last until the next row.
		elems, n, err := textArrayElements(raw[2])
		if err != nil {
			return nil, fmt.Errorf("the profiles of %q: %w", c.phenotype, err)
		}
		if len(raw[3]) != 8*n {
			return nil, fmt.Errorf("%d bytes of values of %q for %d profiles", len(raw[3]), c.phenotype, n)
		}
		c.ids = append([]byte(nil), elems...)
		c.values = append([]byte(nil), raw[3]...)
		columns = append(columns, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(columns, func(a, b *valueColumn) int { return strings.Compare(a.phenotype, b.phenotype) })
	return columns, nil
}

// Place returns the phenotype's place in the ids asked for.
func (c *valueColumn) Place() int { return c.place }

// Next returns the column's next profile id and value. The id shares the
// column's copy of the row, which nothing changes.
func (c *valueColumn) Next() (string, float64, bool, error) {
	if len(c.ids) == 0 {
		if len(c.values) != 0 {
			return "", 0, false, fmt.Errorf("the values of %q outnumber their profiles", c.phenotype)
		}
		return "", 0, false, nil
	}
	elem, rest, err := nextElement(c.ids)
	switch {
	case err != nil:
		return "", 0, false, fmt.Errorf("the profiles of %q: %w", c.phenotype, err)
	case len(c.values) < 8:
		return "", 0, false, fmt.Errorf("the values of %q end before their profiles", c.phenotype)
	}
	id := unsafe.String(unsafe.SliceData(elem), len(elem))
	value := math.Float64frombits(binary.BigEndian.Uint64(c.values))
	c.ids, c.values = rest, c.values[8:]
	return id, value, true, nil
}

// ConsentingProfiles returns the ids of every profile whose user currently
// consents, in order.
func (db *DB) ConsentingProfiles(ctx context.Context) ([]string, error) {
	ids, err := consentingProfiles(ctx, db.pool)
	if err != nil {
		return nil, fmt.Errorf("postgres.ConsentingProfiles: %w", err)
	}
	return ids, nil
}

// consentingProfiles returns the ids of every profile whose user currently
// consents, in byte order.
func consentingProfiles(ctx context.Context, q querier) ([]string, error) {
	return querySortedTextArray(ctx, q, `SELECT array_agg(p.id) FROM profiles p JOIN consents c ON c.user_id = p.user_id`)
}

// GiveConsent records or renews the user's consent; ENOTFOUND when the
// user does not exist.
func (db *DB) GiveConsent(ctx context.Context, c phenolink.Consent) error {
	if c.Version == "" || c.Text == "" {
		return fmt.Errorf("postgres.GiveConsent(%q): %w", c.UserID, phenolink.Errorf(phenolink.EINVALID, "A consent needs the version and text agreed to."))
	}
	if c.GivenAt.IsZero() {
		c.GivenAt = time.Now()
	}
	_, err := db.pool.Exec(ctx, `
		INSERT INTO consents (user_id, version, text, given_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, text = excluded.text, given_at = excluded.given_at`,
		c.UserID, c.Version, c.Text, c.GivenAt)
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", errNoUser(c.UserID), err)
	}
	if err != nil {
		return fmt.Errorf("postgres.GiveConsent(%q): %w", c.UserID, err)
	}
	return nil
}

func errNoUser(id string) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No user has account id %q.", id)
}

// Consent returns the user's current consent, or ENOTFOUND.
func (db *DB) Consent(ctx context.Context, userID string) (phenolink.Consent, error) {
	c := phenolink.Consent{UserID: userID}
	err := db.pool.QueryRow(ctx, `SELECT version, text, given_at FROM consents WHERE user_id = $1`, userID).Scan(&c.Version, &c.Text, &c.GivenAt)
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Account %q has not consented to research use.", userID)
	}
	if err != nil {
		return phenolink.Consent{}, fmt.Errorf("postgres.Consent(%q): %w", userID, err)
	}
	c.GivenAt = c.GivenAt.UTC()
	return c, nil
}

// WithdrawConsent removes the user's consent; withdrawing twice is not an
// error.
func (db *DB) WithdrawConsent(ctx context.Context, userID string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM consents WHERE user_id = $1`, userID); err != nil {
		return fmt.Errorf("postgres.WithdrawConsent(%q): %w", userID, err)
	}
	return nil
}

// SetRole grants or revokes a role; ENOTFOUND when the user does not exist.
func (db *DB) SetRole(ctx context.Context, userID, role string, granted bool) error {
	if role == "" || len(role) > phenolink.MaxNameLength {
		return fmt.Errorf("postgres.SetRole(%q, %q): %w", userID, role, phenolink.Errorf(phenolink.EINVALID, "A role has 1 to %d characters.", phenolink.MaxNameLength))
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM users WHERE id = $1 FOR SHARE`, userID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoUser(userID)
		}
		if err != nil {
			return err
		}
		if granted {
			_, err = tx.Exec(ctx, `INSERT INTO roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING`, userID, role)
		} else {
			_, err = tx.Exec(ctx, `DELETE FROM roles WHERE user_id = $1 AND role = $2`, userID, role)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres.SetRole(%q, %q, %v): %w", userID, role, granted, err)
	}
	return nil
}

// HasRole reports whether the user holds the role.
func (db *DB) HasRole(ctx context.Context, userID, role string) (bool, error) {
	var has bool
	err := db.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM roles WHERE user_id = $1 AND role = $2)`, userID, role).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("postgres.HasRole(%q, %q): %w", userID, role, err)
	}
	return has, nil
}

// RecordAudit appends an entry to the audit log, stamped now unless e.At
// is set.
func (db *DB) RecordAudit(ctx context.Context, e phenolink.AuditEntry) error {
	if e.UserID == "" || e.Action == "" {
		return fmt.Errorf("postgres.RecordAudit: %w", phenolink.Errorf(phenolink.EINVALID, "An audit entry needs the account and the action."))
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO audit_log (user_id, action, detail, at) VALUES ($1, $2, $3, $4)`,
		e.UserID, e.Action, e.Detail, e.At); err != nil {
		return fmt.Errorf("postgres.RecordAudit(%q, %q): %w", e.UserID, e.Action, err)
	}
	return nil
}

// AuditLog returns the newest entries first, at most limit of them.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]phenolink.AuditEntry, error) {
	es := []phenolink.AuditEntry{}
	if limit <= 0 {
		return es, nil
	}
	rows, _ := db.pool.Query(ctx, `SELECT id, user_id, action, detail, at FROM audit_log ORDER BY id DESC LIMIT $1`, limit)
	var e phenolink.AuditEntry
	_, err := pgx.ForEachRow(rows, []any{&e.ID, &e.UserID, &e.Action, &e.Detail, &e.At}, func() error {
		e.At = e.At.UTC()
		es = append(es, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres.AuditLog: %w", err)
	}
	return es, nil
}
