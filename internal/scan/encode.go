package scan

import (
	"encoding/binary"
	"hash/crc32"
	"math"

	"phenolink/internal/phenolink"
)

// The stored encoding: the magic "PLSR", a version byte, the number of
// results as a uvarint, then per result its marker id (uvarint length and
// bytes), chromosome byte, position uvarint, A1 and A2 (uvarint length and
// bytes), N uvarint and MAF, Beta, SE, Stat, P, Log10P as little-endian
// float64; last, the CRC-32 (IEEE) of everything before it. About 70 bytes
// a marker: 42 MB for 600,000.
const (
	encodingMagic   = "PLSR"
	encodingVersion = 1
	maxAlleleLength = 64
	// minResultBytes is the smallest encoded result, which bounds the
	// count a damaged header may claim.
	minResultBytes = 1 + 1 + 1 + 1 + 1 + 1 + 1 + 6*8
)

// Encode returns the stored form of r; ETOOLARGE beyond
// phenolink.MaxScanResults.
func (r Results) Encode() ([]byte, error) {
	b := make([]byte, 0, 16+len(r)*72)
	b = append(b, encodingMagic...)
	b = append(b, encodingVersion)
	b = binary.AppendUvarint(b, uint64(len(r)))
	for i := range r {
		x := &r[i]
		if len(x.A1) > maxAlleleLength || len(x.A2) > maxAlleleLength {
			return nil, phenolink.Errorf(phenolink.EINVALID, "Marker %s has an allele longer than %d letters.", x.Marker.ID, maxAlleleLength)
		}
		b = binary.AppendUvarint(b, uint64(len(x.Marker.ID)))
		b = append(b, x.Marker.ID...)
		b = append(b, byte(x.Marker.Chrom))
		b = binary.AppendUvarint(b, uint64(x.Marker.Pos))
		b = binary.AppendUvarint(b, uint64(len(x.A1)))
		b = append(b, x.A1...)
		b = binary.AppendUvarint(b, uint64(len(x.A2)))
		b = append(b, x.A2...)
		b = binary.AppendUvarint(b, uint64(x.N))
		for _, v := range [...]float64{x.MAF, x.Beta, x.SE, x.Stat, x.P, x.Log10P} {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		if len(b) > phenolink.MaxScanResults {
			break
		}
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
	if len(b) > phenolink.MaxScanResults {
		return nil, phenolink.Errorf(phenolink.ETOOLARGE, "The scan's %d results take more than %d MB; raise the frequency or call-rate threshold.", len(r), phenolink.MaxScanResults>>20)
	}
	return b, nil
}

// errDamaged is what Decode says of any input it cannot read.
func errDamaged(what string) error {
	return phenolink.Errorf(phenolink.EINVALID, "The stored scan results are damaged (%s); run the scan again.", what)
}

// Decode reads results stored by Encode, refusing damaged, truncated,
// oversized or unknown-version input.
func Decode(b []byte) (Results, error) {
	if len(b) > phenolink.MaxScanResults {
		return nil, phenolink.Errorf(phenolink.ETOOLARGE, "Stored scan results of %d MB exceed the %d MB bound.", len(b)>>20, phenolink.MaxScanResults>>20)
	}
	if len(b) < len(encodingMagic)+1+1+4 || string(b[:len(encodingMagic)]) != encodingMagic {
		return nil, errDamaged("not scan results")
	}
	if v := b[len(encodingMagic)]; v != encodingVersion {
		return nil, phenolink.Errorf(phenolink.EINVALID, "Stored scan results have format version %d; this release reads version %d. Run the scan again.", v, encodingVersion)
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errDamaged("checksum mismatch")
	}
	d := decoder{b: body[len(encodingMagic)+1:]}
	count := d.uvarint()
	if d.err != nil || count > uint64(len(d.b)/minResultBytes) {
		return nil, errDamaged("result count")
	}
	out := make(Results, count)
	for i := range out {
		x := &out[i]
		x.Marker.ID = d.str(phenolink.MaxMarkerIDLength)
		x.Marker.Chrom = phenolink.Chromosome(d.byte())
		pos := d.uvarint()
		x.A1 = d.str(maxAlleleLength)
		x.A2 = d.str(maxAlleleLength)
		n := d.uvarint()
		fs := [6]*float64{&x.MAF, &x.Beta, &x.SE, &x.Stat, &x.P, &x.Log10P}
		for _, f := range fs {
			*f = d.float()
		}
		if d.err != nil {
			return nil, errDamaged(d.err.Error())
		}
		if pos > math.MaxUint32 || n > math.MaxInt32 {
			return nil, errDamaged("position or sample count out of range")
		}
		x.Marker.Pos, x.N = uint32(pos), int(n)
		if err := x.Marker.Validate(); err != nil {
			return nil, errDamaged("marker " + phenolink.ErrorMessage(err))
		}
	}
	if len(d.b) != 0 {
		return nil, errDamaged("trailing bytes")
	}
	return out, nil
}

// decoder reads the encoding's fields, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

type decodeError string

func (e decodeError) Error() string { return string(e) }

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = decodeError(what)
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("cut short")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("cut short")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) str(maxLen int) string {
	n := d.uvarint()
	if d.err != nil {
		return ""
	}
	if n > uint64(maxLen) || n > uint64(len(d.b)) {
		d.fail("over-long text field")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail("cut short")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	return v
}
