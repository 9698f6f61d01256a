package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// payloadPartSize is the most bytes of a job's payload one row of
// job_payload_parts holds. The driver copies a bound value into the
// engine's memory, whose allocator rounds a region past 64 KiB up to a
// power of two and keeps freed ones for reuse; staying a little under
// 1 MiB, header included, keeps every part's copy in the 1 MiB class.
const payloadPartSize = 1<<20 - 4096

// insertPayloadParts stores payload as the parts of job id, through q,
// which must be the transaction that inserts the job.
func insertPayloadParts(ctx context.Context, q querier, id int64, payload []byte) error {
	for part := 0; len(payload) > 0; part++ {
		n := min(len(payload), payloadPartSize)
		if _, err := exec(ctx, q, `INSERT INTO job_payload_parts (job_id, part, bytes) VALUES (?, ?, ?)`,
			id, part, payload[:n]); err != nil {
			return err
		}
		payload = payload[n:]
	}
	return nil
}

// readPayloadParts returns the payload stored in parts for job id, or nil
// when it has none. The buffer is sized from the parts' lengths first (read
// from the records' headers, not their bytes), and each part is appended
// from the driver's copy without a second one.
func readPayloadParts(ctx context.Context, q querier, id int64) ([]byte, error) {
	var size sql.NullInt64
	if err := queryRow(ctx, q, `SELECT sum(length(bytes)) FROM job_payload_parts WHERE job_id = ?`, id).Scan(&size); err != nil {
		return nil, err
	}
	if !size.Valid {
		return nil, nil
	}
	rows, err := query(ctx, q, `SELECT bytes FROM job_payload_parts WHERE job_id = ? ORDER BY part`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	payload := make([]byte, 0, size.Int64)
	for rows.Next() {
		var part sql.RawBytes
		if err := rows.Scan(&part); err != nil {
			return nil, err
		}
		payload = append(payload, part...)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if int64(len(payload)) != size.Int64 {
		return nil, fmt.Errorf("job %d's payload parts changed while read", id)
	}
	return payload, nil
}
