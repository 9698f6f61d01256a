package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"phenolink/internal/phenolink"
)

// The associated data binds each sealed token to its column and user, so a
// sealed value copied into another row or column fails to open.
func accessAD(userID string) []byte  { return []byte("tokens.access_token\x00" + userID) }
func refreshAD(userID string) []byte { return []byte("tokens.refresh_token\x00" + userID) }

// errNoBox is returned by token methods on a DB opened without a Box.
var errNoBox = errors.New("no secret box configured (sqlite.Options.Box); tokens cannot be encrypted or decrypted")

// SaveToken creates or replaces the user's token, sealing both token strings
// under the current key. It returns ENOTFOUND when the user does not exist.
func (db *DB) SaveToken(ctx context.Context, t phenolink.Token) error {
	if err := t.Validate(); err != nil {
		return fmt.Errorf("sqlite.SaveToken(%q): %w", t.UserID, err)
	}
	if db.box == nil {
		return fmt.Errorf("sqlite.SaveToken(%q): %w", t.UserID, errNoBox)
	}
	access, err := db.box.Seal(t.AccessToken, accessAD(t.UserID))
	if err != nil {
		return fmt.Errorf("sqlite.SaveToken(%q): %w", t.UserID, err)
	}
	refresh, err := db.box.Seal(t.RefreshToken, refreshAD(t.UserID))
	if err != nil {
		return fmt.Errorf("sqlite.SaveToken(%q): %w", t.UserID, err)
	}
	_, err = exec(ctx, db.write, `
		INSERT INTO tokens (user_id, access_token, refresh_token, token_type, scope, expiry, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET
			access_token = excluded.access_token,
			refresh_token = excluded.refresh_token,
			token_type = excluded.token_type,
			scope = excluded.scope,
			expiry = excluded.expiry,
			updated_at = excluded.updated_at`,
		t.UserID, access, refresh, t.TokenType, t.Scope, nanos(t.Expiry), time.Now().UnixNano())
	if isForeignKeyViolation(err) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No user has account id %q; save the user before their token.", t.UserID)
	}
	if err != nil {
		return fmt.Errorf("sqlite.SaveToken(%q): %w", t.UserID, err)
	}
	return nil
}

// Token returns the user's decrypted token, ENOTFOUND when none is stored,
// or EUNAUTHORIZED when it was sealed under a key no longer configured.
func (db *DB) Token(ctx context.Context, userID string) (phenolink.Token, error) {
	if db.box == nil {
		return phenolink.Token{}, fmt.Errorf("sqlite.Token(%q): %w", userID, errNoBox)
	}
	t := phenolink.Token{UserID: userID}
	var access, refresh []byte
	var expiry sql.NullInt64
	err := db.readQueryRow(ctx, `
		SELECT access_token, refresh_token, token_type, scope, expiry FROM tokens WHERE user_id = ?`, userID).
		Scan(&access, &refresh, &t.TokenType, &t.Scope, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "No 23andMe token is stored for account %q; sign in with 23andMe again.", userID)
	}
	if err != nil {
		return phenolink.Token{}, fmt.Errorf("sqlite.Token(%q): %w", userID, err)
	}
	t.Expiry = fromNanos(expiry)
	if t.AccessToken, err = db.box.Open(access, accessAD(userID)); err == nil {
		t.RefreshToken, err = db.box.Open(refresh, refreshAD(userID))
	}
	if err != nil {
		return phenolink.Token{}, fmt.Errorf("sqlite.Token(%q): %w: %w", userID,
			phenolink.Errorf(phenolink.EUNAUTHORIZED, "The stored 23andMe token can no longer be read (the secret key changed); sign in with 23andMe again."), err)
	}
	return t, nil
}

// DeleteToken removes the user's token; deleting a missing one is not an
// error.
func (db *DB) DeleteToken(ctx context.Context, userID string) error {
	if _, err := exec(ctx, db.write, `DELETE FROM tokens WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("sqlite.DeleteToken(%q): %w", userID, err)
	}
	return nil
}
