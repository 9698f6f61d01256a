package association

import (
	"context"
	"iter"
)

// LogisticScan is not written yet.
func LogisticScan(ctx context.Context, markers iter.Seq2[*Marker, error], c *Cohort, opt Options) ([]Result, error) {
	return nil, nil
}
