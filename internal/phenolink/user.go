package phenolink

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MaxNameLength bounds every name and e-mail we accept from the API so that a
// misbehaving upstream cannot fill the database.
const MaxNameLength = 256

// User is a person who signed in with 23andMe. Their identity is the 23andMe
// account id; Phenolink keeps no password.
type User struct {
	ID        string // the 23andMe account id
	FirstName string
	LastName  string
	Email     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Name returns "First Last", or the account id when the API gave no names
// (the token lacked the names scope).
func (u User) Name() string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.ID
}

// Validate reports whether u can be stored.
func (u User) Validate() error {
	if u.ID == "" {
		return Errorf(EINVALID, "A user needs a 23andMe account id.")
	}
	for _, s := range []string{u.ID, u.FirstName, u.LastName, u.Email} {
		if len(s) > MaxNameLength {
			return Errorf(EINVALID, "A name, e-mail or id is longer than %d characters.", MaxNameLength)
		}
	}
	return nil
}

// Profile is one genotyped (or not yet genotyped) person on a 23andMe
// account; an account can hold several, for example a parent and a child.
type Profile struct {
	ID          string // the 23andMe profile id
	UserID      string
	FirstName   string
	LastName    string
	IsGenotyped bool
}

// Name returns "First Last", or the profile id when no names are known.
func (p Profile) Name() string {
	if n := strings.TrimSpace(p.FirstName + " " + p.LastName); n != "" {
		return n
	}
	return p.ID
}

// Validate reports whether p can be stored.
func (p Profile) Validate() error {
	if p.ID == "" || p.UserID == "" {
		return Errorf(EINVALID, "A profile needs its own id and its account's id.")
	}
	for _, s := range []string{p.ID, p.FirstName, p.LastName} {
		if len(s) > MaxNameLength {
			return Errorf(EINVALID, "A profile name or id is longer than %d characters.", MaxNameLength)
		}
		if !utf8.ValidString(s) {
			return Errorf(EINVALID, "A profile name or id is not UTF-8 text.")
		}
	}
	return nil
}

// Token is a user's 23andMe OAuth token pair. Stores keep it encrypted at
// rest; it never appears in logs, URLs or error messages.
type Token struct {
	UserID       string
	AccessToken  string
	RefreshToken string
	TokenType    string
	Scope        string // space separated, as the API returns it
	Expiry       time.Time
}

// Validate reports whether t can be stored.
func (t Token) Validate() error {
	if t.UserID == "" || t.AccessToken == "" {
		return Errorf(EINVALID, "A token needs its user and an access token.")
	}
	return nil
}
