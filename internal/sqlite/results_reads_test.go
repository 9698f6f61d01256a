package sqlite

import (
	"testing"

	"phenolink/internal/storetest"
)

func TestCohortValuesOf(t *testing.T) {
	storetest.RunCohortValuesOf(t, harness())
}
