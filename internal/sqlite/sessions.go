package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
	"phenolink/internal/sessioncodec"
)

// DB is handed to the session manager as its store.
var _ scs.CtxStore = (*DB)(nil)

// tokenHash is the sessions table key: a database dump leaks no usable
// session cookie.
func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// sessionUserID reads the signed-in user's id out of session data, NULL
// when signed out.
func sessionUserID(data []byte) (sql.NullString, error) {
	id, err := sessioncodec.UserID(data)
	return sql.NullString{String: id, Valid: id != ""}, err
}

// FindCtx returns the data of an unexpired session; found is false when the
// token is unknown or expired.
func (db *DB) FindCtx(ctx context.Context, token string) (data []byte, found bool, err error) {
	err = db.readQueryRow(ctx, `SELECT data FROM sessions WHERE token_hash = ? AND expiry > ?`,
		tokenHash(token), time.Now().UnixNano()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("sqlite.FindCtx: %w", err)
	}
	return data, true, nil
}

// CommitCtx creates or replaces a session. It returns EUNAUTHORIZED when the
// session names a user that no longer exists, so a request racing a
// deletion cannot bring that user's session back.
func (db *DB) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	userID, err := sessionUserID(data)
	if err != nil {
		return fmt.Errorf("sqlite.CommitCtx: %w", err)
	}
	_, err = exec(ctx, db.write, `
		INSERT INTO sessions (token_hash, data, expiry, user_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET
			data = excluded.data, expiry = excluded.expiry, user_id = excluded.user_id`,
		tokenHash(token), data, expiry.UnixNano(), userID)
	if isForeignKeyViolation(err) {
		err = phenolink.Errorf(phenolink.EUNAUTHORIZED, "Your account no longer exists; sign in with 23andMe again.")
	}
	if err != nil {
		return fmt.Errorf("sqlite.CommitCtx(user %q): %w", userID.String, err)
	}
	return nil
}

// DeleteCtx removes a session; deleting a missing one is not an error.
func (db *DB) DeleteCtx(ctx context.Context, token string) error {
	if _, err := exec(ctx, db.write, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash(token)); err != nil {
		return fmt.Errorf("sqlite.DeleteCtx: %w", err)
	}
	return nil
}

// Find is FindCtx without a context, which the session library's Store
// interface also requires.
func (db *DB) Find(token string) ([]byte, bool, error) {
	return db.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (db *DB) Commit(token string, data []byte, expiry time.Time) error {
	return db.CommitCtx(context.Background(), token, data, expiry)
}

// Delete is DeleteCtx without a context.
func (db *DB) Delete(token string) error {
	return db.DeleteCtx(context.Background(), token)
}

// DeleteExpiredSessions removes every expired session and returns how many
// it removed; run it periodically.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int64, error) {
	res, err := exec(ctx, db.write, `DELETE FROM sessions WHERE expiry <= ?`, time.Now().UnixNano())
	if err != nil {
		return 0, fmt.Errorf("sqlite.DeleteExpiredSessions: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite.DeleteExpiredSessions: %w", err)
	}
	return n, nil
}

// SessionView returns the unexpired session with token together with its
// user and the user's profiles, in one query: one row per profile, the
// session and user repeated on each, or one row with no profile.
func (db *DB) SessionView(ctx context.Context, token string) (phenolink.SessionView, bool, error) {
	rows, err := db.readQuery(ctx, `
		SELECT s.data, u.id IS NOT NULL, coalesce(u.id, ''), coalesce(u.first_name, ''), coalesce(u.last_name, ''),
			coalesce(u.email, ''), u.created_at, u.updated_at,
			p.id IS NOT NULL, coalesce(p.id, ''), coalesce(p.first_name, ''), coalesce(p.last_name, ''),
			coalesce(p.is_genotyped, 0),
			EXISTS (SELECT 1 FROM roles r WHERE r.user_id = u.id AND r.role = 'researcher')
		FROM sessions s
		LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN profiles p ON p.user_id = u.id
		WHERE s.token_hash = ? AND s.expiry > ?
		ORDER BY p.id`, tokenHash(token), time.Now().UnixNano())
	if err != nil {
		return phenolink.SessionView{}, false, fmt.Errorf("sqlite.SessionView: %w", err)
	}
	defer rows.Close()
	var b phenolink.SessionViewBuilder
	for rows.Next() {
		var (
			r                phenolink.SessionViewRow
			created, updated sql.NullInt64
		)
		if err := rows.Scan(&r.Data, &r.HasUser, &r.User.ID, &r.User.FirstName, &r.User.LastName, &r.User.Email, &created, &updated,
			&r.HasProfile, &r.Profile.ID, &r.Profile.FirstName, &r.Profile.LastName, &r.Profile.IsGenotyped, &r.Researcher); err != nil {
			return phenolink.SessionView{}, false, fmt.Errorf("sqlite.SessionView: %w", err)
		}
		if r.HasUser {
			r.User.CreatedAt, r.User.UpdatedAt = fromNanos(created), fromNanos(updated)
		}
		b.Add(&r)
	}
	if err := rows.Err(); err != nil {
		return phenolink.SessionView{}, false, fmt.Errorf("sqlite.SessionView: %w", err)
	}
	v, found := b.View()
	return v, found, nil
}

var _ phenolink.SessionViewStore = (*DB)(nil)
