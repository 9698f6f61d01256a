package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// SQLSTATE codes this package maps to domain errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

func hasSQLState(err error, code string) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == code
}

// isUniqueViolation reports whether err broke a primary key or unique index.
func isUniqueViolation(err error) bool { return hasSQLState(err, uniqueViolation) }

// isForeignKeyViolation reports whether err referenced a missing row.
func isForeignKeyViolation(err error) bool { return hasSQLState(err, foreignKeyViolation) }
