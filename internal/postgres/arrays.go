package postgres

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// Lists of thousands of ids come as one array in one row rather than a
// row each: the server sends one row, and the client decodes the array
// itself into strings that share one allocation.

// queryTextArray runs query, which returns one text[] (or NULL for none),
// and returns its elements; never nil.
func queryTextArray(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, query, append([]any{pgx.QueryResultFormats{pgx.BinaryFormatCode}}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		raw := rows.RawValues()
		if len(raw) != 1 {
			return nil, fmt.Errorf("%d columns, want one array", len(raw))
		}
		if raw[0] == nil {
			continue
		}
		if out, err = textArray(raw[0]); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// querySortedTextArray is queryTextArray with the elements sorted in byte
// order: sorting ten thousand ids costs the server several milliseconds in
// the "C" collation, the client one.
func querySortedTextArray(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	out, err := queryTextArray(ctx, q, query, args...)
	slices.Sort(out)
	return out, err
}

// textArray decodes a binary text[] of one dimension (or none, when
// empty) without nulls into strings sharing one allocation.
func textArray(b []byte) ([]string, error) {
	elems, n, err := textArrayElements(b)
	if err != nil {
		return nil, err
	}
	all := string(elems)
	out := make([]string, 0, n)
	for rest := elems; len(rest) > 0; {
		at := len(elems) - len(rest) + 4 // where the element's bytes start in all
		var elem []byte
		if elem, rest, err = nextElement(rest); err != nil {
			return nil, err
		}
		out = append(out, all[at:at+len(elem)])
	}
	if len(out) != n {
		return nil, fmt.Errorf("an array of %d elements says it has %d", len(out), n)
	}
	return out, nil
}

// nextElement splits the first element off a binary array's elements, as
// textArrayElements returns them: a 4-byte length, then its bytes.
func nextElement(elems []byte) (elem, rest []byte, err error) {
	if len(elems) < 4 {
		return nil, nil, fmt.Errorf("an array ends inside an element")
	}
	n := int(int32(binary.BigEndian.Uint32(elems)))
	if n < 0 || 4+n > len(elems) {
		return nil, nil, fmt.Errorf("an array element of %d bytes", n)
	}
	return elems[4 : 4+n], elems[4+n:], nil
}

// textArrayElements returns the elements of a binary text[] of one
// dimension (or none, when empty) without nulls, each a 4-byte length and
// then its bytes, and their number.
func textArrayElements(b []byte) ([]byte, int, error) {
	if len(b) >= 12 && binary.BigEndian.Uint32(b) == 0 {
		return nil, 0, nil
	}
	const header = 20 // dimensions, null flag, element type, length, lower bound
	if len(b) < header || binary.BigEndian.Uint32(b) != 1 || binary.BigEndian.Uint32(b[4:]) != 0 {
		return nil, 0, fmt.Errorf("not an array of one dimension without nulls")
	}
	n := int(int32(binary.BigEndian.Uint32(b[12:])))
	if n < 0 {
		return nil, 0, fmt.Errorf("an array of %d elements", n)
	}
	return b[header:], n, nil
}
