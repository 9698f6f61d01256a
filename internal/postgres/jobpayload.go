package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// payloadPartSize is the most bytes of a job's payload one row of
// job_payload_parts holds: small enough that the driver's buffers for a
// part stay under a megabyte, large enough that a staged genome is a
// handful of rows.
const payloadPartSize = 1<<20 - 4096

// insertPayloadParts stores payload as the parts of job id in tx, the
// transaction that inserts the job. COPY's buffer holds one part at a
// time.
func insertPayloadParts(ctx context.Context, tx pgx.Tx, id int64, payload []byte) error {
	var rows [][]any
	for part := 0; len(payload) > 0; part++ {
		n := min(len(payload), payloadPartSize)
		rows = append(rows, []any{id, int32(part), payload[:n]})
		payload = payload[n:]
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"job_payload_parts"}, []string{"job_id", "part", "bytes"}, pgx.CopyFromRows(rows))
	return err
}

// readPayloadParts returns the payload stored in parts for job id, or nil
// when it has none. The buffer is sized from the parts' lengths first, and
// each part is appended from the driver's read buffer without a copy of
// its own.
func readPayloadParts(ctx context.Context, tx pgx.Tx, id int64) ([]byte, error) {
	var size *int64
	if err := tx.QueryRow(ctx, `SELECT sum(length(bytes)) FROM job_payload_parts WHERE job_id = $1`, id).Scan(&size); err != nil {
		return nil, err
	}
	if size == nil {
		return nil, nil
	}
	rows, err := tx.Query(ctx, `SELECT bytes FROM job_payload_parts WHERE job_id = $1 ORDER BY part`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	payload := make([]byte, 0, *size)
	for rows.Next() {
		var part pgtype.DriverBytes // the read buffer itself, valid until Next
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		payload = append(payload, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(payload)) != *size {
		return nil, fmt.Errorf("job %d's payload parts changed while read", id)
	}
	return payload, nil
}
