package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"phenolink/internal/phenolink"
)

// phenotypeColumns is the select list scanPhenotype reads.
const phenotypeColumns = `id, label, unit, kind, min, max, level0, level1, source, description, step`

type rowScanner interface{ Scan(dest ...any) error }

func scanPhenotype(row rowScanner) (phenolink.Phenotype, error) {
	var p phenolink.Phenotype
	err := row.Scan(&p.ID, &p.Label, &p.Unit, &p.Kind, &p.Min, &p.Max, &p.Levels[0], &p.Levels[1], &p.Source, &p.Description, &p.Step)
	return p, err
}

// insertPhenotype is the statement SavePhenotype and the seed share; the
// seed appends DO NOTHING, SavePhenotype an update.
const insertPhenotype = `
	INSERT INTO phenotypes (id, label, unit, kind, min, max, level0, level1, source, description, step)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func phenotypeArgs(p phenolink.Phenotype) []any {
	return []any{p.ID, p.Label, p.Unit, p.Kind, p.Min, p.Max, p.Levels[0], p.Levels[1], p.Source, p.Description, p.Step}
}

// seedPhenotypes adds the default catalog entries whose ids are missing,
// leaving entries edited since alone.
func (db *DB) seedPhenotypes(ctx context.Context) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, p := range phenolink.DefaultPhenotypes() {
			if err := p.Validate(); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, insertPhenotype+` ON CONFLICT (id) DO NOTHING`, phenotypeArgs(p)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Phenotypes returns the catalog ordered by source, then label.
func (db *DB) Phenotypes(ctx context.Context) ([]phenolink.Phenotype, error) {
	rows, err := db.readQuery(ctx, `SELECT `+phenotypeColumns+` FROM phenotypes ORDER BY source, label, id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite.Phenotypes: %w", err)
	}
	defer rows.Close()
	ps := []phenolink.Phenotype{}
	for rows.Next() {
		p, err := scanPhenotype(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite.Phenotypes: %w", err)
		}
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite.Phenotypes: %w", err)
	}
	return ps, nil
}

// Phenotype returns one catalog entry, or ENOTFOUND.
func (db *DB) Phenotype(ctx context.Context, id string) (phenolink.Phenotype, error) {
	p, err := phenotype(ctx, db.read, id)
	if err != nil {
		return phenolink.Phenotype{}, fmt.Errorf("sqlite.Phenotype(%q): %w", id, err)
	}
	return p, nil
}

func phenotype(ctx context.Context, q querier, id string) (phenolink.Phenotype, error) {
	p, err := scanPhenotype(queryRow(ctx, q, `SELECT `+phenotypeColumns+` FROM phenotypes WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Phenotype %q is not in the catalog.", id)
	}
	return p, err
}

// SavePhenotype adds or updates a catalog entry.
func (db *DB) SavePhenotype(ctx context.Context, p phenolink.Phenotype) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("sqlite.SavePhenotype(%q): %w", p.ID, err)
	}
	_, err := exec(ctx, db.write, insertPhenotype+`
		ON CONFLICT (id) DO UPDATE SET
			label = excluded.label, unit = excluded.unit, kind = excluded.kind,
			min = excluded.min, max = excluded.max, level0 = excluded.level0, level1 = excluded.level1,
			source = excluded.source, description = excluded.description, step = excluded.step`,
		phenotypeArgs(p)...)
	if err != nil {
		return fmt.Errorf("sqlite.SavePhenotype(%q): %w", p.ID, err)
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
	err := db.inTx(ctx, func(tx *sql.Tx) error {
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
		for _, v := range values {
			at := v.UpdatedAt
			if at.IsZero() {
				at = now
			}
			if _, err := exec(ctx, tx, `
				INSERT INTO phenotype_values (profile_id, phenotype_id, value, source, updated_at)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (profile_id, phenotype_id) DO UPDATE SET
					value = excluded.value, source = excluded.source, updated_at = excluded.updated_at`,
				v.ProfileID, v.PhenotypeID, v.Value, v.Source, at.UnixNano()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite.SavePhenotypeValues(%d values): %w", len(values), err)
	}
	return nil
}

// mayContribute returns the domain error that keeps the profile from
// contributing values (missing, or its user does not consent), nil when it
// may.
func mayContribute(ctx context.Context, q querier, profileID string) (refusal, err error) {
	var consents bool
	err = queryRow(ctx, q, `
		SELECT c.user_id IS NOT NULL FROM profiles p LEFT JOIN consents c ON c.user_id = p.user_id WHERE p.id = ?`,
		profileID).Scan(&consents)
	switch {
	case errors.Is(err, sql.ErrNoRows):
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
	if _, err := exec(ctx, db.write, `DELETE FROM phenotype_values WHERE profile_id = ? AND phenotype_id = ?`, profileID, phenotypeID); err != nil {
		return fmt.Errorf("sqlite.DeletePhenotypeValue(%q, %q): %w", profileID, phenotypeID, err)
	}
	return nil
}

// scanValues reads rows of profile_id, phenotype_id, value, source,
// updated_at.
func scanValues(rows *sql.Rows) ([]phenolink.PhenotypeValue, error) {
	defer rows.Close()
	vs := []phenolink.PhenotypeValue{}
	for rows.Next() {
		var v phenolink.PhenotypeValue
		var at sql.NullInt64
		if err := rows.Scan(&v.ProfileID, &v.PhenotypeID, &v.Value, &v.Source, &at); err != nil {
			return nil, err
		}
		v.UpdatedAt = fromNanos(at)
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// PhenotypeValues returns a profile's values ordered by phenotype id.
func (db *DB) PhenotypeValues(ctx context.Context, profileID string) ([]phenolink.PhenotypeValue, error) {
	rows, err := db.readQuery(ctx, `
		SELECT profile_id, phenotype_id, value, source, updated_at FROM phenotype_values
		WHERE profile_id = ? ORDER BY phenotype_id`, profileID)
	var vs []phenolink.PhenotypeValue
	if err == nil {
		vs, err = scanValues(rows)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite.PhenotypeValues(%q): %w", profileID, err)
	}
	return vs, nil
}

// CohortValues returns the phenotype's values of every profile whose user
// currently consents, ordered by profile id; ENOTFOUND for a phenotype
// not in the catalog.
func (db *DB) CohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	vs, err := db.cohortValues(ctx, phenotypeID)
	if err != nil {
		return nil, fmt.Errorf("sqlite.CohortValues(%q): %w", phenotypeID, err)
	}
	return vs, nil
}

func (db *DB) cohortValues(ctx context.Context, phenotypeID string) ([]phenolink.PhenotypeValue, error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	if _, err := phenotype(ctx, tx, phenotypeID); err != nil {
		return nil, err
	}
	rows, err := query(ctx, tx, `
		SELECT v.profile_id, v.phenotype_id, v.value, v.source, v.updated_at
		FROM phenotype_values v
		JOIN profiles p ON p.id = v.profile_id
		JOIN consents c ON c.user_id = p.user_id
		WHERE v.phenotype_id = ?
		ORDER BY v.profile_id`, phenotypeID)
	if err != nil {
		return nil, err
	}
	return scanValues(rows)
}

// CohortValuesOf calls fn for every value of the phenotypes ids held by a
// profile whose user currently consents, in profile id order and then
// phenotype id order, reading only the profile id, the phenotype and the
// value, from one snapshot.
//
// It reads the consenting profiles' ids, then each phenotype's values as
// one row (see phenotypeColumnsOf), and merges them
// (phenolink.EachCohortValue): two reads, where joining profiles and
// consents to each value costs two index searches a value and a sort.
func (db *DB) CohortValuesOf(ctx context.Context, ids []string, fn func(profileID string, phenotype int, value float64) error) error {
	if err := db.cohortValuesOf(ctx, ids, fn); err != nil {
		return fmt.Errorf("sqlite.CohortValuesOf(%d phenotypes): %w", len(ids), err)
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
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
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
}

// valueColumn is one phenotype's values as phenotypeColumnsOf reads them,
// read forward: its profiles' ids and its values as two JSON arrays in
// profile id order. SQLite writes a real in JSON with the digits that give
// back the stored float64 exactly.
type valueColumn struct {
	phenotype string
	place     int    // in the ids asked for
	ids       string // the ids array from the next element on
	values    string // the values array from the next element on
}

// phenotypeColumnsOf reads the values of the phenotypes ids, one row per
// phenotype holding any. A row brings all the phenotype's values, so 90,000 values
// come in ten rows: each row that database/sql and the driver hand over
// costs about a microsecond, more than SQLite's own work on it, and
// writing the values as JSON costs SQLite less than any other text form
// that keeps them exact. The ids come in the index's order, profile id
// within phenotype; phenolink.EachCohortValue checks it.
func phenotypeColumnsOf(ctx context.Context, tx *sql.Tx, ids []string) ([]*valueColumn, error) {
	rows, err := query(ctx, tx, `
		SELECT phenotype_id, json_group_array(profile_id), json_group_array(value)
		FROM phenotype_values INDEXED BY phenotype_values_phenotype
		WHERE phenotype_id IN (`+placeholders(len(ids), 1, "", "", ", ")+`)
		GROUP BY phenotype_id
		ORDER BY phenotype_id`, stringArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	place := make(map[string]int, len(ids))
	for k, id := range ids {
		place[id] = k
	}
	var columns []*valueColumn
	for rows.Next() {
		c := &valueColumn{}
		if err := rows.Scan(&c.phenotype, &c.ids, &c.values); err != nil {
			return nil, err
		}
		k, ok := place[c.phenotype]
		if !ok {
			return nil, fmt.Errorf("values of %q, which was not asked for", c.phenotype)
		}
		c.place = k
		if !strings.HasPrefix(c.ids, "[") || !strings.HasPrefix(c.values, "[") {
			return nil, fmt.Errorf("the values of %q are not JSON arrays", c.phenotype)
		}
		c.ids, c.values = c.ids[1:], c.values[1:]
		columns = append(columns, c)
	}
	return columns, rows.Err()
}

// Place returns the phenotype's place in the ids asked for.
func (c *valueColumn) Place() int { return c.place }

// Next returns the column's next profile id and value.
func (c *valueColumn) Next() (string, float64, bool, error) {
	if c.ids == "]" {
		if c.values != "]" {
			return "", 0, false, fmt.Errorf("the values of %q outnumber their profiles", c.phenotype)
		}
		return "", 0, false, nil
	}
	id, n, err := jsonArrayString(c.ids)
	if err != nil {
		return "", 0, false, fmt.Errorf("the profiles of %q: %w", c.phenotype, err)
	}
	end := strings.IndexAny(c.values, ",]")
	if end < 0 {
		return "", 0, false, fmt.Errorf("the values of %q end before their profiles", c.phenotype)
	}
	value, err := strconv.ParseFloat(c.values[:end], 64)
	if err != nil {
		return "", 0, false, fmt.Errorf("the value of %q of %q: %w", c.phenotype, id, err)
	}
	// The last value keeps its "]", as the ids do.
	c.ids, c.values = c.ids[n:], c.values[end+min(1, len(c.values)-end-1):]
	return id, value, true, nil
}

// unescapeJSON returns the text of a JSON string's contents s, byte for
// byte: encoding/json would turn bytes that are not UTF-8, which SQLite
// passes through, into U+FFFD, so two different ids could read the same.
func unescapeJSON(s string) (string, error) {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i++; i == len(s) {
			return "", fmt.Errorf("a JSON string ends in a backslash")
		}
		switch c := s[i]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n, err := jsonRune(s[i+1:])
			if err != nil {
				return "", err
			}
			out = utf8.AppendRune(out, r)
			i += n
		default:
			return "", fmt.Errorf("a JSON string has the escape \\%c", c)
		}
	}
	return string(out), nil
}

// jsonRune reads the hex digits after \u (and a low surrogate's \uXXXX
// after a high one) and returns the rune and the bytes read.
func jsonRune(s string) (rune, int, error) {
	hex := func(s string) (rune, bool) {
		if len(s) < 4 {
			return 0, false
		}
		v, err := strconv.ParseUint(s[:4], 16, 16)
		return rune(v), err == nil
	}
	r, ok := hex(s)
	if !ok {
		return 0, 0, fmt.Errorf("a JSON string has a bad \\u escape")
	}
	if utf16.IsSurrogate(r) && len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if low, ok := hex(s[6:]); ok {
			if pair := utf16.DecodeRune(r, low); pair != utf8.RuneError {
				return pair, 10, nil
			}
		}
	}
	return r, 4, nil
}

// jsonArrayString reads the string that starts rest, the rest of a JSON
// array of strings, and returns it and the length of it and its comma
// (for rest `"a","b"]`, a and 4), slicing rest when the string has no
// escapes.
func jsonArrayString(rest string) (string, int, error) {
	end := 1
	for {
		q := strings.IndexByte(rest[min(end, len(rest)):], '"')
		if len(rest) == 0 || rest[0] != '"' || q < 0 {
			return "", 0, fmt.Errorf("not a JSON string near %.40q", rest)
		}
		end += q
		// A quote after an odd run of backslashes is escaped.
		bs := 0
		for bs < end-1 && rest[end-1-bs] == '\\' {
			bs++
		}
		if bs%2 == 0 {
			break
		}
		end++
	}
	s := rest[1:end]
	if strings.IndexByte(s, '\\') >= 0 {
		var err error
		if s, err = unescapeJSON(s); err != nil {
			return "", 0, err
		}
	}
	if end+1 >= len(rest) || (rest[end+1] != ',' && rest[end+1] != ']') {
		return "", 0, fmt.Errorf("a JSON string not followed by , or ] near %.40q", rest)
	}
	if rest[end+1] == ']' {
		return s, end + 1, nil // leave the ] as the rest
	}
	return s, end + 2, nil
}

// consentingProfiles returns the ids of every profile whose user currently
// consents, in order.
func consentingProfiles(ctx context.Context, q querier) ([]string, error) {
	return querySortedStrings(ctx, q, `SELECT json_group_array(p.id) FROM profiles p JOIN consents c ON c.user_id = p.user_id`)
}

// querySortedStrings runs query, which returns one JSON array of strings
// (json_group_array), and returns its elements in byte order: 10,000 rows
// through database/sql cost several times SQLite's own work, one row of a
// JSON array does not, and Go sorts faster than SQLite.
func querySortedStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	var list string
	if err := queryRow(ctx, q, query, args...).Scan(&list); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(list, "[") {
		return nil, fmt.Errorf("not a JSON array: %.40q", list)
	}
	out := []string{}
	for rest := list[1:]; rest != "]"; {
		s, n, err := jsonArrayString(rest)
		if err != nil {
			return nil, err
		}
		out, rest = append(out, s), rest[n:]
	}
	slices.Sort(out)
	return out, nil
}

// ConsentingProfiles returns the ids of every profile whose user currently
// consents, in order.
func (db *DB) ConsentingProfiles(ctx context.Context) ([]string, error) {
	ids, err := consentingProfiles(ctx, db.read)
	if err != nil {
		return nil, fmt.Errorf("sqlite.ConsentingProfiles: %w", err)
	}
	return ids, nil
}

// GiveConsent records or renews the user's consent; ENOTFOUND when the
// user does not exist.
func (db *DB) GiveConsent(ctx context.Context, c phenolink.Consent) error {
	if c.Version == "" || c.Text == "" {
		return fmt.Errorf("sqlite.GiveConsent(%q): %w", c.UserID, phenolink.Errorf(phenolink.EINVALID, "A consent needs the version and text agreed to."))
	}
	if c.GivenAt.IsZero() {
		c.GivenAt = time.Now()
	}
	_, err := exec(ctx, db.write, `
		INSERT INTO consents (user_id, version, text, given_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET version = excluded.version, text = excluded.text, given_at = excluded.given_at`,
		c.UserID, c.Version, c.Text, c.GivenAt.UnixNano())
	if isForeignKeyViolation(err) {
		err = fmt.Errorf("%w: %w", errNoUser(c.UserID), err)
	}
	if err != nil {
		return fmt.Errorf("sqlite.GiveConsent(%q): %w", c.UserID, err)
	}
	return nil
}

func errNoUser(id string) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No user has account id %q.", id)
}

// Consent returns the user's current consent, or ENOTFOUND.
func (db *DB) Consent(ctx context.Context, userID string) (phenolink.Consent, error) {
	c := phenolink.Consent{UserID: userID}
	var at sql.NullInt64
	err := db.readQueryRow(ctx, `SELECT version, text, given_at FROM consents WHERE user_id = ?`, userID).Scan(&c.Version, &c.Text, &at)
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Account %q has not consented to research use.", userID)
	}
	if err != nil {
		return phenolink.Consent{}, fmt.Errorf("sqlite.Consent(%q): %w", userID, err)
	}
	c.GivenAt = fromNanos(at)
	return c, nil
}

// WithdrawConsent removes the user's consent; withdrawing twice is not an
// error.
func (db *DB) WithdrawConsent(ctx context.Context, userID string) error {
	if _, err := exec(ctx, db.write, `DELETE FROM consents WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("sqlite.WithdrawConsent(%q): %w", userID, err)
	}
	return nil
}

// SetRole grants or revokes a role; ENOTFOUND when the user does not exist.
func (db *DB) SetRole(ctx context.Context, userID, role string, granted bool) error {
	if role == "" || len(role) > phenolink.MaxNameLength {
		return fmt.Errorf("sqlite.SetRole(%q, %q): %w", userID, role, phenolink.Errorf(phenolink.EINVALID, "A role has 1 to %d characters.", phenolink.MaxNameLength))
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var one int
		err := queryRow(ctx, tx, `SELECT 1 FROM users WHERE id = ?`, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoUser(userID)
		}
		if err != nil {
			return err
		}
		if granted {
			_, err = exec(ctx, tx, `INSERT INTO roles (user_id, role) VALUES (?, ?) ON CONFLICT DO NOTHING`, userID, role)
		} else {
			_, err = exec(ctx, tx, `DELETE FROM roles WHERE user_id = ? AND role = ?`, userID, role)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.SetRole(%q, %q, %v): %w", userID, role, granted, err)
	}
	return nil
}

// HasRole reports whether the user holds the role.
func (db *DB) HasRole(ctx context.Context, userID, role string) (bool, error) {
	var has bool
	err := db.readQueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM roles WHERE user_id = ? AND role = ?)`, userID, role).Scan(&has)
	if err != nil {
		return false, fmt.Errorf("sqlite.HasRole(%q, %q): %w", userID, role, err)
	}
	return has, nil
}

// RecordAudit appends an entry to the audit log, stamped now unless e.At
// is set.
func (db *DB) RecordAudit(ctx context.Context, e phenolink.AuditEntry) error {
	if e.UserID == "" || e.Action == "" {
		return fmt.Errorf("sqlite.RecordAudit: %w", phenolink.Errorf(phenolink.EINVALID, "An audit entry needs the account and the action."))
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	if _, err := exec(ctx, db.write, `INSERT INTO audit_log (user_id, action, detail, at) VALUES (?, ?, ?, ?)`,
		e.UserID, e.Action, e.Detail, e.At.UnixNano()); err != nil {
		return fmt.Errorf("sqlite.RecordAudit(%q, %q): %w", e.UserID, e.Action, err)
	}
	return nil
}

// AuditLog returns the newest entries first, at most limit of them.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]phenolink.AuditEntry, error) {
	es := []phenolink.AuditEntry{}
	if limit <= 0 {
		return es, nil
	}
	rows, err := db.readQuery(ctx, `SELECT id, user_id, action, detail, at FROM audit_log ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite.AuditLog: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e phenolink.AuditEntry
		var at sql.NullInt64
		if err := rows.Scan(&e.ID, &e.UserID, &e.Action, &e.Detail, &at); err != nil {
			return nil, fmt.Errorf("sqlite.AuditLog: %w", err)
		}
		e.At = fromNanos(at)
		es = append(es, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite.AuditLog: %w", err)
	}
	return es, nil
}
