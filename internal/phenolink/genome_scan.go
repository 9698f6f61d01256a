package phenolink

import "context"

// GenomeRecordScanner is what a genome-wide scan reads: every stored
// record as the store holds it, without first copying it into a buffer the
// length of the index. Reading 2,000 records of 630,000 calls, that copy
// and its padding cost as much as a tenth of the whole read.
type GenomeRecordScanner interface {
	// ScanGenomeRecords calls fn with every stored record in profile id
	// order (byte order), all from one snapshot. record[i] is the call at
	// index position i; a record may be shorter than the index, and the
	// positions past its end (markers added later) are NotOnChip. fn must
	// not keep record or change it: it may be the store's own read buffer,
	// reused for the next profile.
	ScanGenomeRecords(ctx context.Context, fn func(profileID string, record []Call) error) error
}
