package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/sqltrace"
)

// statementTracer records each statement's duration in the request's
// sqltrace.Counter, when the context carries one.
type statementTracer struct{}

// startKey keys the statement's start time in the context between the two
// tracer calls.
type startKey struct{}

// TraceQueryStart notes when a statement began, only when it will be counted.
func (statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	if sqltrace.FromContext(ctx) == nil {
		return ctx
	}
	return context.WithValue(ctx, startKey{}, time.Now())
}

// TraceQueryEnd records the statement's duration.
func (statementTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if start, ok := ctx.Value(startKey{}).(time.Time); ok {
		sqltrace.Record(ctx, time.Since(start))
	}
}
