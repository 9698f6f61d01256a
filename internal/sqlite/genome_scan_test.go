package sqlite

import (
	"testing"

	"phenolink/internal/storetest"
)

func TestScanGenomeRecords(t *testing.T) {
	storetest.RunGenomeScan(t, harness())
}
