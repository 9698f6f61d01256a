package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"phenolink/internal/sqltrace"
)

// maxCachedStatements bounds the read statements kept prepared. Only
// constant query texts go through the cache, so it stays far below this;
// past it, queries run unprepared rather than grow the cache.
const maxCachedStatements = 128

// stmtCache keeps the read pool's queries prepared. SQLite compiles every
// statement it is given, and for the short queries of a page view the
// compiling cost several times the running; database/sql re-prepares a
// cached statement on each connection it is used on, once.
type stmtCache struct {
	pool  *sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, stmts: make(map[string]*sql.Stmt)}
}

// get returns the prepared statement for q, preparing it the first time;
// nil (and no error) when the cache is full.
func (c *stmtCache) get(ctx context.Context, q string) (*sql.Stmt, error) {
	c.mu.RLock()
	s := c.stmts[q]
	c.mu.RUnlock()
	if s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.stmts[q]; s != nil {
		return s, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil, nil
	}
	s, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	c.stmts[q] = s
	return s, nil
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(errs...)
}

// readQuery runs a constant query text on the read pool as a prepared
// statement, timed like query.
func (db *DB) readQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	s, err := db.reads.get(ctx, q)
	if err != nil || s == nil {
		return query(ctx, db.read, q, args...)
	}
	start := time.Now()
	rows, err := s.QueryContext(ctx, args...)
	sqltrace.Record(ctx, time.Since(start))
	return rows, err
}

// readQueryRow is readQuery for one row.
func (db *DB) readQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	s, err := db.reads.get(ctx, q)
	if err != nil || s == nil {
		return queryRow(ctx, db.read, q, args...)
	}
	start := time.Now()
	row := s.QueryRowContext(ctx, args...)
	sqltrace.Record(ctx, time.Since(start))
	return row
}
