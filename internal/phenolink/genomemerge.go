package phenolink

// GenomeMerge is one import merged into a MarkerIndex: what the index gained
// and the record to store.
type GenomeMerge struct {
	From   int      // the index length before the merge
	Added  []Marker // markers new to the index, now at positions From and on
	Record []Call   // the profile's record, one call per index position
	Info   GenomeInfo
	Counts []ChromosomeCount
}

// MergeGenome validates an import, appends its markers that are new to x
// and builds the profile's record in index order; calls[i] belongs to
// markers[i]. A marker already in the index keeps the index's chromosome
// and position, and a disagreement is counted in Info.Mismatches rather than
// refused, because chip versions have moved a few markers. A marker id listed
// twice is refused. On error x is unchanged; after a successful merge whose
// storing fails, the caller undoes it with x.Truncate(From).
func (x *MarkerIndex) MergeGenome(info GenomeInfo, markers []Marker, calls []Call) (GenomeMerge, error) {
	if err := info.Validate(); err != nil {
		return GenomeMerge{}, err
	}
	switch {
	case len(markers) != len(calls):
		return GenomeMerge{}, Errorf(EINVALID, "The import has %d markers but %d calls.", len(markers), len(calls))
	case len(markers) == 0:
		return GenomeMerge{}, Errorf(EINVALID, "The import holds no markers; check that the file is a 23andMe raw-data file.")
	case len(markers) > MaxGenomeMarkers:
		return GenomeMerge{}, Errorf(ETOOLARGE, "The import has %d markers; at most %d are accepted.", len(markers), MaxGenomeMarkers)
	}
	m := GenomeMerge{From: x.Len(), Info: info}
	m.Info.Mismatches = 0
	positions := make([]uint32, len(markers))
	// seen marks index positions this import already set, to find ids
	// listed twice.
	seen := make([]uint64, (x.Len()+len(markers))/64+1)
	guess := 0
	for i, mk := range markers {
		if err := mk.Validate(); err != nil {
			x.Truncate(m.From)
			return GenomeMerge{}, err
		}
		if !validCall(calls[i]) {
			x.Truncate(m.From)
			return GenomeMerge{}, Errorf(EINVALID, "Marker %q has the malformed call %v.", mk.ID, calls[i])
		}
		// Imports of one chip list markers in the same order, so the
		// position after the previous marker is checked before hashing.
		p, ok := guess, guess < x.Len() && x.sameID(guess, mk.ID)
		if !ok {
			p, ok = x.Lookup(mk.ID)
		}
		switch {
		case !ok:
			p = x.Len()
			x.Append(mk)
		case seen[p/64]&(1<<(p%64)) != 0:
			x.Truncate(m.From)
			return GenomeMerge{}, Errorf(EINVALID, "Marker %q is listed twice in the import.", mk.ID)
		case x.chrom[p] != mk.Chrom || x.pos[p] != mk.Pos:
			m.Info.Mismatches++
		}
		seen[p/64] |= 1 << (p % 64)
		positions[i] = uint32(p)
		guess = p + 1
	}
	m.Record = make([]Call, x.Len())
	for i, p := range positions {
		m.Record[p] = calls[i]
	}
	m.Added = make([]Marker, 0, x.Len()-m.From)
	for p := m.From; p < x.Len(); p++ {
		m.Added = append(m.Added, x.Marker(p))
	}
	m.Info, m.Counts = genomeStats(m.Info, x.chrom, m.Record)
	return m, nil
}

// validCall reports whether c is NotOnChip, NoCall or one or two alleles.
func validCall(c Call) bool {
	if c == NotOnChip || c == NoCall {
		return true
	}
	a, b := c.First(), c.Second()
	return a >= AlleleA && a <= AlleleInsert && b <= AlleleInsert && (b == AlleleNone || b >= a)
}
