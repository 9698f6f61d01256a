package phenolink

// GenomeMerge is one import merged into a MarkerIndex: where the markers
// it added start and the record to store. The added markers are the
// index's positions From to its end; x.Block writes them out a block at a
// time, so a first import never holds them twice.
type GenomeMerge struct {
	From   int    // the index length before the merge
	Record []Call // the profile's record, one call per index position
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
	positions, mismatches, err := x.positionsOf(markers, calls)
	if err != nil {
		return GenomeMerge{}, err
	}
	m.Info.Mismatches = mismatches
	m.Record = make([]Call, x.Len())
	for i, p := range positions {
		m.Record[p] = calls[i]
	}
	m.Info, m.Counts = genomeStats(m.Info, x.chrom, m.Record)
	return m, nil
}

// positionsOf finds each marker's index position, appending the new ones, and
// counts the known ones whose chromosome or position differ. A first pass
// only reads x: it validates, finds the known markers and sizes the new
// ones, so that x grows once, to its final size, and is changed only by the
// second pass, which appends. A million-marker first import thus never
// holds the index's columns twice while they double.
func (x *MarkerIndex) positionsOf(markers []Marker, calls []Call) (positions []uint32, mismatches int, err error) {
	const unplaced = ^uint32(0)
	positions = make([]uint32, len(markers))
	// seen marks index positions this import already has, to find ids
	// listed twice among the known markers.
	seen := make([]uint64, x.Len()/64+1)
	newMarkers, newBytes := 0, 0
	guess := 0
	for i, mk := range markers {
		if err := mk.Validate(); err != nil {
			return nil, 0, err
		}
		if !validCall(calls[i]) {
			return nil, 0, Errorf(EINVALID, "Marker %q has the malformed call %v.", mk.ID, calls[i])
		}
		// Imports of one chip list markers in the same order, so the
		// position after the previous marker is checked before hashing.
		p, ok := guess, guess < x.Len() && x.sameID(guess, mk.ID)
		if !ok {
			p, ok = x.Lookup(mk.ID)
		}
		switch {
		case !ok:
			positions[i] = unplaced
			newMarkers++
			newBytes += len(mk.ID)
			continue
		case seen[p/64]&(1<<(p%64)) != 0:
			return nil, 0, listedTwice(mk.ID)
		case x.chrom[p] != mk.Chrom || x.pos[p] != mk.Pos:
			mismatches++
		}
		seen[p/64] |= 1 << (p % 64)
		positions[i] = uint32(p)
		guess = p + 1
	}
	if newMarkers == 0 {
		return positions, mismatches, nil
	}
	from := x.Len()
	x.grow(newMarkers, newBytes)
	for i, mk := range markers {
		if positions[i] != unplaced {
			continue
		}
		p, added := x.appendNew(mk)
		if !added {
			x.Truncate(from)
			return nil, 0, listedTwice(mk.ID)
		}
		positions[i] = uint32(p)
	}
	return positions, mismatches, nil
}

func listedTwice(id string) error {
	return Errorf(EINVALID, "Marker %q is listed twice in the import.", id)
}

// validCall reports whether c is NotOnChip, NoCall or one or two alleles.
func validCall(c Call) bool {
	if c == NotOnChip || c == NoCall {
		return true
	}
	a, b := c.First(), c.Second()
	return a >= AlleleA && a <= AlleleInsert && b <= AlleleInsert && (b == AlleleNone || b >= a)
}
