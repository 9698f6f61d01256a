package phenolink

import (
	"context"
	"time"
)

// UserStore keeps users and their profiles.
type UserStore interface {
	// SaveUser creates or updates u and replaces the set of its profiles
	// with profiles, in one transaction.
	SaveUser(ctx context.Context, u User, profiles []Profile) error
	// User returns the user with the account id, or an ENOTFOUND error.
	User(ctx context.Context, id string) (User, error)
	// Profiles returns the user's profiles ordered by id.
	Profiles(ctx context.Context, userID string) ([]Profile, error)
	// DeleteUser removes the user and everything that belongs to them:
	// profiles, tokens, sessions and any data added by later features.
	DeleteUser(ctx context.Context, id string) error
}

// TokenStore keeps each user's 23andMe tokens, encrypted at rest.
type TokenStore interface {
	// SaveToken creates or replaces the user's token.
	SaveToken(ctx context.Context, t Token) error
	// Token returns the user's token, or an ENOTFOUND error.
	Token(ctx context.Context, userID string) (Token, error)
	// DeleteToken removes the user's token; deleting a missing one is not
	// an error.
	DeleteToken(ctx context.Context, userID string) error
}

// SessionStore keeps server-side sessions. Its method set matches the
// session library's context-aware store so an adapter can be handed to it
// directly; data is opaque to the store except for the signed-in user's id,
// which the adapter extracts so DeleteUser can end every session of a user.
type SessionStore interface {
	FindCtx(ctx context.Context, token string) (data []byte, found bool, err error)
	CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error
	DeleteCtx(ctx context.Context, token string) error
}

// HealthChecker reports whether the database answers.
type HealthChecker interface {
	Ping(ctx context.Context) error
}
