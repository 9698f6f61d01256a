package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"phenolink/internal/phenolink"
)

const scanColumns = `id, phenotype_id, covariates, min_maf, min_call_rate, created_by, job_id, created_at,
	samples, tested, lambda, completed_at`

func scanScan(row pgx.Row) (phenolink.Scan, error) {
	var s phenolink.Scan
	var lambda *float64
	var completed *time.Time
	err := row.Scan(&s.ID, &s.PhenotypeID, &s.Covariates, &s.MinMAF, &s.MinCallRate, &s.CreatedBy, &s.JobID, &s.CreatedAt,
		&s.Samples, &s.Tested, &lambda, &completed)
	if err != nil {
		return s, err
	}
	if len(s.Covariates) == 0 {
		s.Covariates = nil
	}
	s.CreatedAt = s.CreatedAt.UTC()
	if completed != nil {
		s.CompletedAt = completed.UTC()
	}
	if lambda != nil {
		s.Lambda = *lambda
	}
	return s, nil
}

// CreateScan stores s and enqueues its job in one transaction.
func (db *DB) CreateScan(ctx context.Context, s phenolink.Scan) (phenolink.Scan, error) {
	if err := s.Validate(); err != nil {
		return phenolink.Scan{}, fmt.Errorf("postgres.CreateScan(%q): %w", s.PhenotypeID, err)
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	// The database keeps microseconds; return what a read gives back.
	s.CreatedAt = s.CreatedAt.UTC().Truncate(time.Microsecond)
	s.Samples, s.Tested, s.Lambda, s.CompletedAt = 0, 0, 0, time.Time{}
	covariates := append([]string{}, s.Covariates...)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := phenotype(ctx, tx, s.PhenotypeID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO scans (phenotype_id, covariates, min_maf, min_call_rate, created_by, job_id, created_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id`,
			s.PhenotypeID, covariates, s.MinMAF, s.MinCallRate, s.CreatedBy, s.CreatedAt).Scan(&s.ID)
		if err != nil {
			return err
		}
		s.JobID, err = enqueue(ctx, tx, phenolink.Job{Kind: phenolink.JobScan, UserID: s.CreatedBy, Payload: []byte(strconv.FormatInt(s.ID, 10))})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE scans SET job_id = $1 WHERE id = $2`, s.JobID, s.ID)
		return err
	})
	if err != nil {
		return phenolink.Scan{}, fmt.Errorf("postgres.CreateScan(%q): %w", s.PhenotypeID, err)
	}
	return s, nil
}

// Scan returns one scan, or ENOTFOUND.
func (db *DB) Scan(ctx context.Context, id int64) (phenolink.Scan, error) {
	s, err := scanScan(db.pool.QueryRow(ctx, `SELECT `+scanColumns+` FROM scans WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		err = errNoScan(id)
	}
	if err != nil {
		return phenolink.Scan{}, fmt.Errorf("postgres.Scan(%d): %w", id, err)
	}
	return s, nil
}

func errNoScan(id int64) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No scan has id %d.", id)
}

// Scans returns every scan, newest first.
func (db *DB) Scans(ctx context.Context) ([]phenolink.Scan, error) {
	rows, _ := db.pool.Query(ctx, `SELECT `+scanColumns+` FROM scans ORDER BY id DESC`)
	ss, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (phenolink.Scan, error) { return scanScan(row) })
	if err != nil {
		return nil, fmt.Errorf("postgres.Scans: %w", err)
	}
	if ss == nil {
		ss = []phenolink.Scan{}
	}
	return ss, nil
}

// CompleteScan stores the summary fields of s and its encoded results.
func (db *DB) CompleteScan(ctx context.Context, s phenolink.Scan, results []byte) error {
	if len(results) > phenolink.MaxScanResults {
		return fmt.Errorf("postgres.CompleteScan(%d): %w", s.ID, phenolink.Errorf(phenolink.ETOOLARGE,
			"The scan's results take %d bytes, more than the %d that can be stored.", len(results), phenolink.MaxScanResults))
	}
	if s.CompletedAt.IsZero() {
		s.CompletedAt = time.Now()
	}
	if math.IsInf(s.Lambda, 0) {
		s.Lambda = math.NaN()
	}
	if results == nil {
		results = []byte{}
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE scans SET samples = $1, tested = $2, lambda = $3, completed_at = $4 WHERE id = $5`,
			s.Samples, s.Tested, s.Lambda, s.CompletedAt, s.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return errNoScan(s.ID)
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO scan_results (scan_id, results) VALUES ($1, $2)
			ON CONFLICT (scan_id) DO UPDATE SET results = excluded.results`, s.ID, results)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres.CompleteScan(%d): %w", s.ID, err)
	}
	return nil
}

// ScanResults returns a completed scan's encoded results, or ENOTFOUND.
func (db *DB) ScanResults(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := db.pool.QueryRow(ctx, `SELECT results FROM scan_results WHERE scan_id = $1`, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Scan %d has no results; it may not have finished.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("postgres.ScanResults(%d): %w", id, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// DeleteScan removes a scan and its results; a missing one is not an
// error.
func (db *DB) DeleteScan(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM scan_results WHERE scan_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM scans WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("postgres.DeleteScan(%d): %w", id, err)
	}
	return nil
}
