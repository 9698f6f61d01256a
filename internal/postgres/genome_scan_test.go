package postgres

import (
	"testing"

	"phenolink/internal/pgtest"
	"phenolink/internal/storetest"
)

func TestScanGenomeRecords(t *testing.T) {
	pgtest.ServerURL(t) // skip when Postgres is off
	storetest.RunGenomeScan(t, harness())
}
