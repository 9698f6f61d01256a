package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"phenolink/internal/phenolink"
)

const scanColumns = `id, phenotype_id, covariates, min_maf, min_call_rate, created_by, job_id, created_at,
	samples, tested, lambda, completed_at`

func scanScan(row rowScanner) (phenolink.Scan, error) {
	var s phenolink.Scan
	var covariates string
	var lambda sql.NullFloat64
	var created, completed sql.NullInt64
	err := row.Scan(&s.ID, &s.PhenotypeID, &covariates, &s.MinMAF, &s.MinCallRate, &s.CreatedBy, &s.JobID, &created,
		&s.Samples, &s.Tested, &lambda, &completed)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(covariates), &s.Covariates); err != nil {
		return s, fmt.Errorf("scan %d has covariates %q: %w", s.ID, covariates, err)
	}
	if len(s.Covariates) == 0 {
		s.Covariates = nil
	}
	s.CreatedAt, s.CompletedAt = fromNanos(created), fromNanos(completed)
	s.Lambda = lambdaOf(lambda, completed.Valid)
	return s, nil
}

// lambdaOf reads the inflation factor: SQLite keeps no NaN, so a completed
// scan whose lambda is NULL had none.
func lambdaOf(l sql.NullFloat64, completed bool) float64 {
	switch {
	case l.Valid:
		return l.Float64
	case completed:
		return math.NaN()
	}
	return 0
}

// CreateScan stores s and enqueues its job in one transaction.
func (db *DB) CreateScan(ctx context.Context, s phenolink.Scan) (phenolink.Scan, error) {
	if err := s.Validate(); err != nil {
		return phenolink.Scan{}, fmt.Errorf("sqlite.CreateScan(%q): %w", s.PhenotypeID, err)
	}
	covariates, err := json.Marshal(append([]string{}, s.Covariates...))
	if err != nil {
		return phenolink.Scan{}, fmt.Errorf("sqlite.CreateScan(%q): %w", s.PhenotypeID, err)
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	s.CreatedAt = s.CreatedAt.UTC()
	s.Samples, s.Tested, s.Lambda, s.CompletedAt = 0, 0, 0, time.Time{}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := phenotype(ctx, tx, s.PhenotypeID); err != nil {
			return err
		}
		err := queryRow(ctx, tx, `
			INSERT INTO scans (phenotype_id, covariates, min_maf, min_call_rate, created_by, job_id, created_at)
			VALUES (?, ?, ?, ?, ?, 0, ?) RETURNING id`,
			s.PhenotypeID, string(covariates), s.MinMAF, s.MinCallRate, s.CreatedBy, s.CreatedAt.UnixNano()).Scan(&s.ID)
		if err != nil {
			return err
		}
		s.JobID, err = enqueue(ctx, tx, phenolink.Job{Kind: phenolink.JobScan, UserID: s.CreatedBy, Payload: []byte(strconv.FormatInt(s.ID, 10))})
		if err != nil {
			return err
		}
		_, err = exec(ctx, tx, `UPDATE scans SET job_id = ? WHERE id = ?`, s.JobID, s.ID)
		return err
	})
	if err != nil {
		return phenolink.Scan{}, fmt.Errorf("sqlite.CreateScan(%q): %w", s.PhenotypeID, err)
	}
	return s, nil
}

// Scan returns one scan, or ENOTFOUND.
func (db *DB) Scan(ctx context.Context, id int64) (phenolink.Scan, error) {
	s, err := scanScan(db.readQueryRow(ctx, `SELECT `+scanColumns+` FROM scans WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = errNoScan(id)
	}
	if err != nil {
		return phenolink.Scan{}, fmt.Errorf("sqlite.Scan(%d): %w", id, err)
	}
	return s, nil
}

func errNoScan(id int64) error {
	return phenolink.Errorf(phenolink.ENOTFOUND, "No scan has id %d.", id)
}

// Scans returns every scan, newest first.
func (db *DB) Scans(ctx context.Context) ([]phenolink.Scan, error) {
	rows, err := db.readQuery(ctx, `SELECT `+scanColumns+` FROM scans ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("sqlite.Scans: %w", err)
	}
	defer rows.Close()
	ss := []phenolink.Scan{}
	for rows.Next() {
		s, err := scanScan(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite.Scans: %w", err)
		}
		ss = append(ss, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite.Scans: %w", err)
	}
	return ss, nil
}

// CompleteScan stores the summary fields of s and its encoded results.
func (db *DB) CompleteScan(ctx context.Context, s phenolink.Scan, results []byte) error {
	if len(results) > phenolink.MaxScanResults {
		return fmt.Errorf("sqlite.CompleteScan(%d): %w", s.ID, phenolink.Errorf(phenolink.ETOOLARGE,
			"The scan's results take %d bytes, more than the %d that can be stored.", len(results), phenolink.MaxScanResults))
	}
	if s.CompletedAt.IsZero() {
		s.CompletedAt = time.Now()
	}
	lambda := sql.NullFloat64{Float64: s.Lambda, Valid: !math.IsNaN(s.Lambda) && !math.IsInf(s.Lambda, 0)}
	if results == nil {
		results = []byte{}
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := exec(ctx, tx, `UPDATE scans SET samples = ?, tested = ?, lambda = ?, completed_at = ? WHERE id = ?`,
			s.Samples, s.Tested, lambda, s.CompletedAt.UnixNano(), s.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoScan(s.ID)
		}
		_, err = exec(ctx, tx, `
			INSERT INTO scan_results (scan_id, results) VALUES (?, ?)
			ON CONFLICT (scan_id) DO UPDATE SET results = excluded.results`, s.ID, results)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.CompleteScan(%d): %w", s.ID, err)
	}
	return nil
}

// ScanResults returns a completed scan's encoded results, or ENOTFOUND.
func (db *DB) ScanResults(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := db.readQueryRow(ctx, `SELECT results FROM scan_results WHERE scan_id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		err = phenolink.Errorf(phenolink.ENOTFOUND, "Scan %d has no results; it may not have finished.", id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite.ScanResults(%d): %w", id, err)
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// DeleteScan removes a scan and its results; a missing one is not an
// error.
func (db *DB) DeleteScan(ctx context.Context, id int64) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := exec(ctx, tx, `DELETE FROM scan_results WHERE scan_id = ?`, id); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `DELETE FROM scans WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite.DeleteScan(%d): %w", id, err)
	}
	return nil
}
