package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"phenolink/internal/phenolink"
)

// FindMarkers returns the index entries of the ids that are in the index,
// in the order of ids, looked up in this process's copy of the index.
func (db *DB) FindMarkers(ctx context.Context, ids []string) ([]phenolink.IndexedMarker, error) {
	x := db.index.Lock()
	defer func() { db.index.Unlock(x) }()
	var err error
	if x, err = loadIndex(ctx, db.read, x); err != nil {
		return nil, fmt.Errorf("sqlite.FindMarkers: %w", err)
	}
	ms := []phenolink.IndexedMarker{}
	for _, id := range ids {
		if i, ok := x.Lookup(id); ok {
			ms = append(ms, phenolink.IndexedMarker{Marker: x.Marker(i), Index: i})
		}
	}
	return ms, nil
}

// MaxCallsAtPositions bounds the positions one CallsAt reads.
const MaxCallsAtPositions = 1000

// checkPositions reports whether positions can be read.
func checkPositions(positions []int) error {
	if len(positions) > MaxCallsAtPositions {
		return phenolink.Errorf(phenolink.EINVALID, "At most %d markers can be read at once, not %d.", MaxCallsAtPositions, len(positions))
	}
	for _, p := range positions {
		if p < 0 {
			return phenolink.Errorf(phenolink.EINVALID, "Marker position %d is not in the index.", p)
		}
	}
	return nil
}

// CallsAt calls fn for every stored record, in profile id order, with the
// record's calls at the index positions (NotOnChip past its end).
//
// It reads the pieces of genome_chunks (migration 00011), not the whole
// records: within one read transaction, the ids of every record in order,
// then for each distinct piece number among the positions that piece of
// every record, one range of the table's b-tree in profile id order, merged
// with the ids in one forward pass. A record with no such piece, or a
// shorter last one, reads NotOnChip there. The cost grows with the records
// and the distinct pieces, not with the length of the records. The calls
// are gathered, len(positions) per record, before fn is first called, so
// the snapshot is not held while fn runs.
func (db *DB) CallsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := db.callsAt(ctx, positions, fn); err != nil {
		return fmt.Errorf("sqlite.CallsAt(%d positions): %w", len(positions), err)
	}
	return nil
}

func (db *DB) callsAt(ctx context.Context, positions []int, fn func(profileID string, calls []phenolink.Call) error) error {
	if err := checkPositions(positions); err != nil {
		return err
	}
	ids, calls, err := db.readCallsAt(ctx, positions)
	if err != nil {
		return err
	}
	k := len(positions)
	for i, id := range ids {
		if err := fn(id, calls[i*k:(i+1)*k:(i+1)*k]); err != nil {
			return err
		}
	}
	return nil
}

// readCallsAt returns the profile ids of every record in order and, for
// the record of ids[i], its calls at positions in calls[i*len(positions):],
// from one snapshot.
func (db *DB) readCallsAt(ctx context.Context, positions []int) (ids []string, calls []phenolink.Call, err error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer rollback(tx)
	if ids, err = querySortedStrings(ctx, tx, `SELECT json_group_array(profile_id) FROM genomes`); err != nil {
		return nil, nil, err
	}
	k := len(positions)
	calls = make([]phenolink.Call, len(ids)*k) // all NotOnChip
	// The positions of each piece, in order of piece number.
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(positions[a]/chunkSize, positions[b]/chunkSize) })
	for len(order) > 0 {
		chunk := positions[order[0]] / chunkSize
		n := 1
		for n < len(order) && positions[order[n]]/chunkSize == chunk {
			n++
		}
		if err := readChunk(ctx, tx, chunk, positions, order[:n], ids, calls); err != nil {
			return nil, nil, err
		}
		order = order[n:]
	}
	return ids, calls, nil
}

// readChunk reads piece chunk of every record that has it, at positions[j]
// for every j in which (all in that piece), into calls as readCallsAt lays
// them out. The rows come in profile id order, as ids are, so one forward
// pass over ids finds each row's record.
func readChunk(ctx context.Context, tx *sql.Tx, chunk int, positions, which []int, ids []string, calls []phenolink.Call) error {
	var q strings.Builder
	q.WriteString(`SELECT profile_id`)
	args := make([]any, 0, len(which)+1)
	for _, j := range which {
		q.WriteString(`, substr(calls, ?, 1)`)
		args = append(args, positions[j]-chunk*chunkSize+1)
	}
	q.WriteString(` FROM genome_chunks WHERE chunk = ? ORDER BY profile_id`)
	args = append(args, chunk)
	rows, err := query(ctx, tx, q.String(), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	bytes := make([]sql.RawBytes, len(which))
	dest := make([]any, 1+len(which))
	var profileID sql.RawBytes
	dest[0] = &profileID
	for i := range bytes {
		dest[i+1] = &bytes[i]
	}
	k := len(positions)
	i := 0 // ids[i] is the first record not yet passed
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		for i < len(ids) && ids[i] < string(profileID) {
			i++
		}
		if i == len(ids) || ids[i] != string(profileID) {
			// The foreign key on genomes rules this out.
			return fmt.Errorf("piece %d of profile %q has no record", chunk, profileID)
		}
		for c, j := range which {
			if b := bytes[c]; len(b) == 1 {
				calls[i*k+j] = phenolink.Call(b[0])
			}
		}
		i++
	}
	return rows.Err()
}
