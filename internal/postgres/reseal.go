package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// ResealTokens rewrites every stored token that was sealed under a previous
// secret so that it is sealed under the current one, and returns how many it
// rewrote. After a SECRET_KEY rotation, running it once lets the old secret
// leave SECRET_KEY_FALLBACKS at once instead of when the last token is
// refreshed. Tokens that no configured secret opens are left alone: their
// users sign in again.
func (db *DB) ResealTokens(ctx context.Context) (int64, error) {
	if db.box == nil {
		return 0, fmt.Errorf("postgres.ResealTokens: %w", errNoBox)
	}
	var n int64
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		type sealed struct {
			userID          string
			access, refresh []byte
		}
		// FOR UPDATE keeps a concurrent SaveToken from being overwritten
		// with the older token re-sealed.
		rows, _ := tx.Query(ctx, `SELECT user_id, access_token, refresh_token FROM tokens FOR UPDATE`)
		all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (sealed, error) {
			var s sealed
			err := row.Scan(&s.userID, &s.access, &s.refresh)
			return s, err
		})
		if err != nil {
			return err
		}
		for _, s := range all {
			if db.box.SealedWithCurrent(s.access) && db.box.SealedWithCurrent(s.refresh) {
				continue
			}
			access, refresh, ok, err := db.reseal(s.userID, s.access, s.refresh)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE tokens SET access_token = $1, refresh_token = $2 WHERE user_id = $3`,
				access, refresh, s.userID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres.ResealTokens: %w", err)
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
