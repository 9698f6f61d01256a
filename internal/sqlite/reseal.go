package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ResealTokens rewrites every stored token that was sealed under a previous
// secret so that it is sealed under the current one, and returns how many it
// rewrote. After a SECRET_KEY rotation, running it once lets the old secret
// leave SECRET_KEY_FALLBACKS at once instead of when the last token is
// refreshed. Tokens that no configured secret opens are left alone: their
// users sign in again.
func (db *DB) ResealTokens(ctx context.Context) (int64, error) {
	if db.box == nil {
		return 0, fmt.Errorf("sqlite.ResealTokens: %w", errNoBox)
	}
	var n int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		type sealed struct {
			userID          string
			access, refresh []byte
		}
		rows, err := query(ctx, tx, `SELECT user_id, access_token, refresh_token FROM tokens`)
		if err != nil {
			return err
		}
		var stale []sealed
		for rows.Next() {
			var s sealed
			if err := rows.Scan(&s.userID, &s.access, &s.refresh); err != nil {
				rows.Close()
				return err
			}
			if !db.box.SealedWithCurrent(s.access) || !db.box.SealedWithCurrent(s.refresh) {
				stale = append(stale, s)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, s := range stale {
			access, refresh, ok, err := db.reseal(s.userID, s.access, s.refresh)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := exec(ctx, tx, `UPDATE tokens SET access_token = ?, refresh_token = ? WHERE user_id = ?`,
				access, refresh, s.userID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite.ResealTokens: %w", err)
	}
	return n, nil
}

// reseal opens a token pair and seals it again under the current key; ok is
// false when no configured key opens it.
func (db *DB) reseal(userID string, access, refresh []byte) (newAccess, newRefresh []byte, ok bool, err error) {
	a, err := db.box.Open(access, accessAD(userID))
	if err != nil {
		return nil, nil, false, nil
	}
	r, err := db.box.Open(refresh, refreshAD(userID))
	if err != nil {
		return nil, nil, false, nil
	}
	if newAccess, err = db.box.Seal(a, accessAD(userID)); err != nil {
		return nil, nil, false, err
	}
	if newRefresh, err = db.box.Seal(r, refreshAD(userID)); err != nil {
		return nil, nil, false, err
	}
	return newAccess, newRefresh, true, nil
}
