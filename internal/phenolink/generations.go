package phenolink

import "context"

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
