package postgres

import (
	"testing"

	"phenolink/internal/storetest"
)

func TestScanGenomeRecords(t *testing.T) {
	testURL(t) // skip when Postgres is off
	storetest.RunGenomeScan(t, harness())
}
