package phenolink

import (
	"context"
	"math"
	"time"
)

// Genome sources: where an imported genotype record came from.
const (
	GenomeSourceAPI  = "api"  // fetched from the 23andMe API
	GenomeSourceFile = "file" // parsed from an uploaded raw-data file
)

// GenomeBuild is the reference assembly every stored position is on
// (GRCh37). Imports on another build are refused rather than mixed into the
// shared index with incompatible positions.
const GenomeBuild = 37

// MaxMarkerIDLength bounds a marker id ("rs123", "i7001234").
const MaxMarkerIDLength = 64

// MaxGenomeMarkers bounds one import; a full v3 file has about 960,000.
const MaxGenomeMarkers = 4_000_000

// Marker is one entry of the shared marker index: a 23andMe marker id and
// its GRCh37 position (1-based, as the raw file writes it).
type Marker struct {
	ID    string
	Chrom Chromosome
	Pos   uint32
}

// markerIDChars reports whether every byte of id is printable ASCII other
// than a space, as a marker id's must be.
func markerIDChars[T ~string | ~[]byte](id T) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// Validate reports whether m can enter the marker index.
func (m Marker) Validate() error {
	if m.ID == "" || len(m.ID) > MaxMarkerIDLength {
		return Errorf(EINVALID, "Marker id %q must have 1 to %d characters.", m.ID, MaxMarkerIDLength)
	}
	if !markerIDChars(m.ID) {
		return Errorf(EINVALID, "Marker id %q may hold only printable ASCII letters, digits and signs.", m.ID)
	}
	if !m.Chrom.Valid() {
		return Errorf(EINVALID, "Marker %q has no valid chromosome.", m.ID)
	}
	if m.Pos > math.MaxInt32 {
		return Errorf(EINVALID, "Marker %q has position %d, beyond any chromosome.", m.ID, m.Pos)
	}
	return nil
}

// GenomeInfo describes one profile's stored genotype record: where it came
// from and how complete it is. Stores fill Called, CallRate, Mismatches and
// ChromosomeCounts themselves from the calls they store.
type GenomeInfo struct {
	ProfileID   string
	Source      string  // GenomeSourceAPI or GenomeSourceFile
	Build       int     // reference assembly of the positions; GenomeBuild
	Chip        string  // chip or file version when known, such as "v5"; may be empty
	MarkerCount int     // markers on the profile's chip (any call but NotOnChip)
	Called      int     // markers with a real call (neither NoCall nor NotOnChip)
	CallRate    float64 // Called / MarkerCount
	// Mismatches counts imported markers whose chromosome or position
	// disagreed with the shared index; the index's position is kept.
	Mismatches int
	ImportedAt time.Time
	// JobID, when set, makes SaveGenome store the record only while that
	// job is still running, so a deletion or a lost lease that happened
	// meanwhile wins over a late import.
	JobID int64
}

// Validate reports whether info can describe a stored record.
func (g GenomeInfo) Validate() error {
	if g.ProfileID == "" || len(g.ProfileID) > MaxNameLength {
		return Errorf(EINVALID, "A genome needs the id of its profile.")
	}
	if g.Source != GenomeSourceAPI && g.Source != GenomeSourceFile {
		return Errorf(EINVALID, "Genome source %q is neither %q nor %q.", g.Source, GenomeSourceAPI, GenomeSourceFile)
	}
	if g.Build != GenomeBuild {
		return Errorf(EINVALID, "The genotypes are on build %d; Phenolink stores build %d (GRCh37) only. Download a current raw-data file from 23andMe and upload it again.", g.Build, GenomeBuild)
	}
	if len(g.Chip) > MaxNameLength {
		return Errorf(EINVALID, "Chip name is longer than %d characters.", MaxNameLength)
	}
	return nil
}

// ChromosomeCount is how many of a profile's markers lie on one chromosome
// and how many of those were called.
type ChromosomeCount struct {
	Chrom   Chromosome
	Markers int // on the profile's chip
	Called  int // with a real call
}

// GenotypeQuery selects markers for the genotype browser. At most one of
// ID and Chrom is set; with neither, every marker on the profile's chip is
// listed.
type GenotypeQuery struct {
	ID     string // an rsid or internal id
	Prefix bool   // ID is a prefix ("rs12" finds rs12, rs123, ...)
	Chrom  Chromosome
	Start  uint32 // with Chrom: first position, inclusive; 0 for the start
	End    uint32 // with Chrom: last position, inclusive; 0 for the end
	Offset int
	Limit  int // rows per page; 0 means DefaultGenotypePage
}

// Page sizes of GenotypeCalls.
const (
	DefaultGenotypePage = 50
	MaxGenotypePage     = 1000
)

// Normalize checks q and fills its defaults.
func (q GenotypeQuery) Normalize() (GenotypeQuery, error) {
	switch {
	case q.ID != "" && q.Chrom != 0:
		return q, Errorf(EINVALID, "Search by marker id or by region, not both.")
	case len(q.ID) > MaxMarkerIDLength:
		return q, Errorf(EINVALID, "A marker id has at most %d characters.", MaxMarkerIDLength)
	case q.Chrom != 0 && !q.Chrom.Valid():
		return q, Errorf(EINVALID, "Chromosome %v is not one of 1 to 22, X, Y or MT.", q.Chrom)
	case q.Chrom == 0 && (q.Start != 0 || q.End != 0):
		return q, Errorf(EINVALID, "A position range needs its chromosome, as in 1:1000-2000.")
	case q.End != 0 && q.End < q.Start:
		return q, Errorf(EINVALID, "The region ends at %d, before its start %d.", q.End, q.Start)
	case q.Offset < 0 || q.Limit < 0 || q.Limit > MaxGenotypePage:
		return q, Errorf(EINVALID, "Pages hold 1 to %d rows and start at row 0 or later.", MaxGenotypePage)
	}
	if q.Limit == 0 {
		q.Limit = DefaultGenotypePage
	}
	if q.Chrom != 0 && q.End == 0 {
		q.End = math.MaxInt32
	}
	return q, nil
}

// GenotypeRow is one marker of a profile with its call.
type GenotypeRow struct {
	Marker
	Call Call
}

// GenotypePage is one page of GenotypeCalls, ordered by chromosome and
// position.
type GenotypePage struct {
	Rows []GenotypeRow
	More bool // another page follows
}

// GenotypeStore keeps the shared marker index and one packed genotype
// record per profile. A record holds one Call per index position, in index
// order; positions past a record's end (markers added to the index later)
// read as NotOnChip.
type GenotypeStore interface {
	// SaveGenome merges markers into the index and replaces the profile's
	// record with calls (calls[i] belongs to markers[i]) in one
	// transaction: a failure leaves the previous record whole. Index
	// markers the import lacks are NotOnChip. It returns the stored info,
	// with its counts filled in.
	SaveGenome(ctx context.Context, info GenomeInfo, markers []Marker, calls []Call) (GenomeInfo, error)
	// Genome returns the profile's record info, or ENOTFOUND.
	Genome(ctx context.Context, profileID string) (GenomeInfo, error)
	// GenotypeCalls lists the profile's markers that are on its chip
	// (NoCall included), ordered by chromosome and position.
	GenotypeCalls(ctx context.Context, profileID string, q GenotypeQuery) (GenotypePage, error)
	// ChromosomeCounts returns per-chromosome counts of the profile's
	// record, in chromosome order, for chromosomes with markers.
	ChromosomeCounts(ctx context.Context, profileID string) ([]ChromosomeCount, error)
	// DeleteGenome removes the profile's record and its queued or running
	// jobs; deleting a missing record is not an error.
	DeleteGenome(ctx context.Context, profileID string) error
	// Markers returns the whole index in index order.
	Markers(ctx context.Context) ([]Marker, error)
	// ScanGenomes calls fn with every stored record in profile id order.
	// calls has the length of the index when the scan began; fn must not
	// keep it, because it is reused for the next profile.
	ScanGenomes(ctx context.Context, fn func(profileID string, calls []Call) error) error
}

// genomeStats fills info's MarkerCount, Called and CallRate from a record
// and returns its per-chromosome counts; chroms[i] is the chromosome of
// index position i.
func genomeStats(info GenomeInfo, chroms []Chromosome, calls []Call) (GenomeInfo, []ChromosomeCount) {
	var markers, called [ChromosomeMT + 1]int
	info.MarkerCount, info.Called = 0, 0
	for i, c := range calls {
		if c == NotOnChip {
			continue
		}
		ch := chroms[i]
		markers[ch]++
		info.MarkerCount++
		if c != NoCall {
			called[ch]++
			info.Called++
		}
	}
	info.CallRate = 0
	if info.MarkerCount > 0 {
		info.CallRate = float64(info.Called) / float64(info.MarkerCount)
	}
	var counts []ChromosomeCount
	for ch := Chromosome(1); ch <= ChromosomeMT; ch++ {
		if markers[ch] > 0 {
			counts = append(counts, ChromosomeCount{Chrom: ch, Markers: markers[ch], Called: called[ch]})
		}
	}
	return info, counts
}
