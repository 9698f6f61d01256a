// Package sqltrace counts the SQL statements a request runs and the time they
// take, so the DEBUG footer can show them. The web layer puts a Counter in the
// request's context; the database adapters record every statement into
// whatever Counter they find there. It imports only the standard library.
package sqltrace

import (
	"context"
	"sync/atomic"
	"time"
)

// Counter accumulates statement counts and durations. It is safe for
// concurrent use because one request may run queries from several
// goroutines. The zero value is ready to use.
type Counter struct {
	count atomic.Int64
	total atomic.Int64 // nanoseconds
}

// Record adds one statement that took d. A nil Counter ignores it, so callers
// need not check whether tracing is on.
func (c *Counter) Record(d time.Duration) {
	if c == nil {
		return
	}
	c.count.Add(1)
	c.total.Add(int64(d))
}

// Count returns how many statements were recorded.
func (c *Counter) Count() int64 {
	if c == nil {
		return 0
	}
	return c.count.Load()
}

// Total returns the summed duration of the recorded statements.
func (c *Counter) Total() time.Duration {
	if c == nil {
		return 0
	}
	return time.Duration(c.total.Load())
}

// counterKey is the context key for the request's Counter; a private type
// keeps other packages from colliding with it.
type counterKey struct{}

// WithCounter returns a context carrying a new Counter, and that Counter.
func WithCounter(ctx context.Context) (context.Context, *Counter) {
	c := new(Counter)
	return context.WithValue(ctx, counterKey{}, c), c
}

// FromContext returns the Counter in ctx, or nil when there is none.
func FromContext(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}

// Record adds one statement that took d to the Counter in ctx, if any.
func Record(ctx context.Context, d time.Duration) {
	FromContext(ctx).Record(d)
}
