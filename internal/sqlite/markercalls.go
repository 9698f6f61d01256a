package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

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
// every record, one range of the table's b-tree in profile id order. When
// every record has the piece, SQLite hands over that range as one row
// (readWholeChunk); otherwise its rows are merged with the ids in one
// forward pass (readChunk). A record with no such piece, or a shorter last
// one, reads NotOnChip there. The cost grows with the records and the
// distinct pieces, not with the length of the records. The calls are
// gathered, len(positions) per record, before fn is first called, so the
// snapshot is not held while fn runs.
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
	return eachRecordCalls(ids, calls, len(positions), fn)
}

// eachRecordCalls calls fn, as CallsAt does, for the record of every id of
// ids with its k calls, laid out as readCallsAt lays them.
func eachRecordCalls(ids []string, calls []phenolink.Call, k int, fn func(profileID string, calls []phenolink.Call) error) error {
	for i, id := range ids {
		if err := fn(id, calls[i*k:(i+1)*k:(i+1)*k]); err != nil {
			return err
		}
	}
	return nil
}

// readCallsAt returns the profile ids of every record in order and, for
// the record of ids[i], its calls at positions in calls[i*len(positions):],
// from one snapshot. Pieces are read in turn on two read connections at
// once when a second is idle and sees the same genome count (see
// secondReader); else on one.
func (db *DB) readCallsAt(ctx context.Context, positions []int) (ids []string, calls []phenolink.Call, err error) {
	tx, err := db.read.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	defer rollback(tx)
	var gen int64
	if err := queryRow(ctx, tx, `SELECT genomes FROM generations`).Scan(&gen); err != nil {
		return nil, nil, err
	}
	if ids, err = storedProfiles(ctx, tx); err != nil {
		return nil, nil, err
	}
	calls = make([]phenolink.Call, len(ids)*len(positions)) // all NotOnChip
	pieces := piecesOf(positions)
	txs := []*sql.Tx{tx}
	if len(pieces) > 1 {
		if other, done := db.secondReader(ctx, gen); other != nil {
			defer done()
			txs = append(txs, other)
		}
	}
	// Each piece fills the calls of its own positions alone.
	errs := make([]error, len(txs))
	var wg sync.WaitGroup
	for w, tx := range txs {
		wg.Go(func() {
			var mine [][]int
			for i := w; i < len(pieces); i += len(txs) {
				mine = append(mine, pieces[i])
			}
			errs[w] = readPieces(ctx, tx, mine, positions, ids, nil, calls)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return ids, calls, nil
}

// secondReader returns a read transaction on another connection that
// sees the same genome records as one that read the genome count gen, or
// nil when no connection is idle at once or the count it sees differs (a
// record was written between the two). The count moves in the transaction
// of every write to the records and their pieces, so two snapshots with
// the same count hold the same records. A page never waits on the pool
// for the second connection, which pages holding one each could
// otherwise do until they time out.
func (db *DB) secondReader(ctx context.Context, gen int64) (tx *sql.Tx, done func()) {
	if db.read.Stats().Idle == 0 {
		return nil, nil
	}
	// The wait bounds taking the connection only: a transaction ends
	// with the context it began under.
	wait, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	conn, err := db.read.Conn(wait)
	cancel()
	if err != nil {
		return nil, nil
	}
	if tx, err = conn.BeginTx(ctx, nil); err != nil {
		conn.Close()
		return nil, nil
	}
	done = func() {
		rollback(tx)
		conn.Close() // back to the pool
	}
	var other int64
	if err := queryRow(ctx, tx, `SELECT genomes FROM generations`).Scan(&other); err != nil || other != gen {
		done()
		return nil, nil
	}
	return tx, done
}

// piecesOf groups the places in positions by the piece they fall in, in
// order of piece number.
func piecesOf(positions []int) [][]int {
	order := make([]int, len(positions))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(positions[a]/chunkSize, positions[b]/chunkSize) })
	var pieces [][]int
	for len(order) > 0 {
		chunk := positions[order[0]] / chunkSize
		n := 1
		for n < len(order) && positions[order[n]]/chunkSize == chunk {
			n++
		}
		pieces = append(pieces, order[:n])
		order = order[n:]
	}
	return pieces
}

// readPieces reads the pieces (as piecesOf groups them) of every record
// of ids into calls, as readCallsAt lays them out: of every stored record
// when only is nil, or of those of only, which are then ids.
func readPieces(ctx context.Context, tx *sql.Tx, pieces [][]int, positions []int, ids, only []string, calls []phenolink.Call) error {
	// A record is cut from its start, so one that lacks a piece lacks
	// every later one too: once a piece is missing from some record, the
	// later pieces go straight to the row-by-row read rather than pay for
	// a whole-piece read that cannot be used.
	whole := true
	for _, which := range pieces {
		chunk := positions[which[0]] / chunkSize
		var err error
		if whole {
			if whole, err = readWholeChunk(ctx, tx, chunk, positions, which, ids, only, calls); err != nil {
				return err
			}
		}
		if !whole {
			if err := readChunk(ctx, tx, chunk, positions, which, ids, only, calls); err != nil {
				return err
			}
		}
	}
	return nil
}

// readWholeChunk reads piece chunk of every record as one row, when every
// record in ids has that piece, at positions[j] for every j in which (all
// in that piece), into calls as readCallsAt lays them out; it reports
// false, having changed nothing, when some record lacks the piece. Handing
// a row through database/sql costs more than SQLite's own work on it, so
// SQLite concatenates, per position, one byte of every piece: the call
// there, or 0 (NotOnChip) past the end of a shorter last piece, as
// readChunk reads an empty substr. The pieces are then in profile id
// order, as ids are (BINARY collation in both), and there is one per
// record of ids exactly when there are len(ids) of them: the foreign key
// on genomes and the key (chunk, profile_id) allow no other piece. So the
// i-th byte is the call of ids[i].
//
// The aggregate sees the pieces in the subquery's order: SQLite neither
// flattens a subquery with ORDER BY into an aggregate query nor drops
// that ORDER BY without a join or an outer ORDER BY, and the table's key
// serves it without a sort (the plan is one SEARCH using the primary key,
// no temporary b-tree); the tests check that plan, and compare this read
// with readChunk's under profile ids whose byte order is easy to get
// wrong. group_concat's own ORDER BY would sort every piece again in a
// temporary b-tree, which measured slower.
func readWholeChunk(ctx context.Context, tx *sql.Tx, chunk int, positions, which []int, ids, only []string, calls []phenolink.Call) (bool, error) {
	q, args := wholeChunkQuery(chunk, positions, which, only)
	rows, err := query(ctx, tx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, errors.Join(rows.Err(), fmt.Errorf("piece %d: no aggregate row", chunk))
	}
	var n int
	bytes := make([]sql.RawBytes, len(which))
	dest := make([]any, 1+len(which))
	dest[0] = &n
	for c := range bytes {
		dest[c+1] = &bytes[c]
	}
	if err := rows.Scan(dest...); err != nil {
		return false, err
	}
	if n != len(ids) {
		return false, rows.Close()
	}
	k := len(positions)
	for c, j := range which {
		if len(bytes[c]) != n {
			// Every piece gives one byte, so this cannot happen.
			return false, fmt.Errorf("piece %d: %d calls at position %d for %d pieces", chunk, len(bytes[c]), positions[j], n)
		}
		for i, b := range bytes[c] {
			calls[i*k+j] = phenolink.Call(b)
		}
	}
	return true, rows.Close()
}

// wholeChunkQuery returns readWholeChunk's query and its arguments: the
// number of pieces of chunk (of the records of only, when not nil), then
// per position in which a blob of one byte per piece, in profile id order.
func wholeChunkQuery(chunk int, positions, which []int, only []string) (string, []any) {
	var outer, inner strings.Builder
	outer.WriteString(`SELECT count(*)`)
	args := make([]any, 0, 2*len(which)+1)
	for c, j := range which {
		// group_concat returns text, which SQLite keeps byte for byte in
		// a UTF-8 database; CAST hands it over as the blob it is. length()
		// takes a blob's size from its row's header.
		fmt.Fprintf(&outer, `, CAST(group_concat(c%d, '') AS BLOB)`, c)
		if c > 0 {
			inner.WriteString(`, `)
		}
		fmt.Fprintf(&inner, `iif(length(calls) >= ?, substr(calls, ?, 1), x'00') AS c%d`, c)
		p := positions[j] - chunk*chunkSize + 1
		args = append(args, p, p)
	}
	filter, filterArgs := pieceFilter(only)
	fmt.Fprintf(&outer, ` FROM (SELECT %s FROM genome_chunks WHERE chunk = ?%s ORDER BY profile_id)`, &inner, filter)
	return outer.String(), append(append(args, chunk), filterArgs...)
}

// pieceFilter returns the condition keeping the pieces of the records of
// only (all when nil), to follow a WHERE, and its arguments.
func pieceFilter(only []string) (string, []any) {
	if only == nil {
		return "", nil
	}
	return ` AND profile_id IN (` + placeholders(len(only), 0, "", "", ", ") + `)`, stringArgs(only)
}

// readChunk reads piece chunk of every record that has it (of those of
// only, when not nil), at positions[j] for every j in which (all in that
// piece), into calls as readCallsAt lays them out. The rows come in
// profile id order, as ids are, so one forward pass over ids finds each
// row's record.
func readChunk(ctx context.Context, tx *sql.Tx, chunk int, positions, which []int, ids, only []string, calls []phenolink.Call) error {
	var q strings.Builder
	q.WriteString(`SELECT profile_id`)
	args := make([]any, 0, len(which)+1)
	for _, j := range which {
		q.WriteString(`, substr(calls, ?, 1)`)
		args = append(args, positions[j]-chunk*chunkSize+1)
	}
	filter, filterArgs := pieceFilter(only)
	q.WriteString(` FROM genome_chunks WHERE chunk = ?` + filter + ` ORDER BY profile_id`)
	args = append(append(args, chunk), filterArgs...)
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
