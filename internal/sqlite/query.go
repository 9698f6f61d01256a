package sqlite

import (
	"context"
	"database/sql"
	"time"

	"phenolink/internal/sqltrace"
)

// querier is what *sql.DB and *sql.Tx share; the helpers below take one so
// that every statement, in a transaction or not, is timed the same way.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec runs a statement and records its duration in the request's counter.
func exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	start := time.Now()
	res, err := q.ExecContext(ctx, query, args...)
	sqltrace.Record(ctx, time.Since(start))
	return res, err
}

// query runs a query and records the time until its first row is ready.
func query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	start := time.Now()
	rows, err := q.QueryContext(ctx, query, args...)
	sqltrace.Record(ctx, time.Since(start))
	return rows, err
}

// queryRow runs a one-row query and records its duration.
func queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	start := time.Now()
	row := q.QueryRowContext(ctx, query, args...)
	sqltrace.Record(ctx, time.Since(start))
	return row
}

// nanos stores a time as integer Unix nanoseconds, the one time encoding in
// this database; the zero time is NULL.
func nanos(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixNano(), Valid: true}
}

// fromNanos reverses nanos, in UTC.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}
