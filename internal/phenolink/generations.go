package phenolink

import (
	"context"
	"time"
)

// Generations are change counters of what the per-SNP results page reads,
// so that a process can keep what it read and know, with one cheap query,
// whether it is still current. Each counter only grows, and it moves in the
// transaction that makes the change: a reader that sees a counter's new
// value also sees the change, and a rolled-back write moves nothing.
type Generations struct {
	// Genomes moves with every change to the stored genotype records:
	// an import, a re-import, a deleted genome, and so a deleted profile
	// (its record goes with it).
	Genomes int64
	// Cohort moves with every change to who counts in a cohort read or to
	// their values: phenotype values, consents and the catalog, and so a
	// deleted profile or account (its values and consent go with it).
	Cohort int64
}

// GenerationReader reads the change counters.
type GenerationReader interface {
	// Generations returns the counters as of now, in one query.
	Generations(ctx context.Context) (Generations, error)
}

// Changes says which profiles' part of a read changed after a count, as
// ChangeReader reads it.
type Changes struct {
	// Gen is the count of the read's snapshot: everything read is
	// exactly as of that count.
	Gen int64
	// Complete is false when the store cannot name the changed profiles:
	// its log no longer reaches back to the count asked for, or more
	// profiles changed than asked for at most. Profiles and Present are
	// then empty and the reader must read whole.
	Complete bool
	// Profiles are the profiles whose part changed after the count asked
	// for, in byte order.
	Profiles []string
	// Present, when not nil, is every profile still counted (those whose
	// user consents and that hold a value, for a cohort read; those with
	// a stored record, for calls), in byte order: profiles were deleted
	// since, and the logs do not name them, so a reader drops every
	// profile it holds that is not here. A deleted profile's id that comes
	// back is here only with a value or record written since, which names
	// it.
	Present []string
}

// ChangeReader reads what changed in a cohort read or in the stored
// records rather than the whole of them again, so that a results page
// after a write reads what the write touched. Every write that moves a
// change counter (Generations) is logged in its own transaction with the
// profiles it touched, except a catalog change, which changes no value:
// a reader that keeps the catalog reads it again. The logs are kept for a
// while and then pruned.
type ChangeReader interface {
	// CohortChangesSince reads which profiles' values or consent changed
	// after the cohort count gen, at most max of them, and, when it can
	// name them, calls fn as CohortValuesOf does (ids the phenotypes,
	// checked as CohortValuesOf checks them) for every value of theirs it
	// would give now: so a profile changed but not called no longer
	// counts. All of it comes from one snapshot; fn is not called when
	// the changes are not Complete.
	CohortChangesSince(ctx context.Context, gen int64, ids []string, max int, fn func(profileID string, phenotype int, value float64) error) (Changes, error)
	// GenomeChangesSince reads which profiles' records were written or
	// deleted after the genome count gen, at most max of them, and, when
	// it can name them, calls fn as CallsAt does for each of them with a
	// record now (positions checked as CallsAt checks them): so a profile
	// changed but not called has no record. All of it comes from one
	// snapshot; fn is not called when the changes are not Complete.
	GenomeChangesSince(ctx context.Context, gen int64, positions []int, max int, fn func(profileID string, calls []Call) error) (Changes, error)
	// PruneChanges forgets the changes logged before the time given: a
	// later read of the changes since a count before them is not
	// Complete.
	PruneChanges(ctx context.Context, before time.Time) error
}
