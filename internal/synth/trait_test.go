package synth

import (
	"math"
	"strings"
	"testing"

	"phenolink/internal/phenolink"
)

func TestTraitRecoversPlantedEffects(t *testing.T) {
	key := mustMarkers(t, 3, 20_000)
	v5 := Chips()[4]
	effects, err := PickEffects(3, key, v5, 0.2, []float64{40, -25})
	if err != nil {
		t.Fatal(err)
	}
	tr := Trait{ID: "height_mm", Mean: 1640, MaleShift: 130, SD: 30, Effects: effects}
	if err := tr.Validate(len(key)); err != nil {
		t.Fatal(err)
	}
	// Regress the value, less the sex shift, on the first marker's dosage
	// alone: the slope should come out near its beta.
	const n = 4000
	var sx, sy, sxx, sxy, count float64
	for i := range n {
		ind := NewIndividual(3, i, v5)
		v := tr.Value(ind, key)
		if ind.Sex == Male {
			v -= tr.MaleShift
		}
		d := Dosage(key[effects[0].Marker], ind.Call(key, effects[0].Marker))
		if d < 0 {
			continue
		}
		x := float64(d)
		sx, sy, sxx, sxy, count = sx+x, sy+v, sxx+x*x, sxy+x*v, count+1
	}
	slope := (count*sxy - sx*sy) / (count*sxx - sx*sx)
	if math.Abs(slope-40) > 5 {
		t.Errorf("slope on the first planted marker = %.1f, want about 40", slope)
	}
}

func TestTraitDeterministicAndValueOfAgrees(t *testing.T) {
	key := mustMarkers(t, 4, 5_000)
	chip := Chips()[2]
	effects, err := PickEffects(4, key, chip, 0.1, []float64{10, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(effects); i++ {
		if effects[i-1].Marker >= effects[i].Marker || !chip.Has(4, effects[i].Marker) || key[effects[i].Marker].Chrom >= ChromX {
			t.Fatalf("effects %v: want increasing autosomal markers on the chip", effects)
		}
	}
	again, _ := PickEffects(4, key, chip, 0.1, []float64{10, 20, 30})
	if again[0] != effects[0] || again[2] != effects[2] {
		t.Fatalf("PickEffects is not deterministic: %v then %v", effects, again)
	}
	tr := Trait{ID: "bmi_x10", Mean: 250, SD: 20, Effects: effects}
	ind := NewIndividual(4, 7, chip)
	genome := ind.Genome(key)
	a, b := tr.Value(ind, key), tr.ValueOf(ind, key, func(i int) phenolink.Call { return genome[i] })
	if a != b || a != tr.Value(ind, key) {
		t.Fatalf("Value = %v, ValueOf = %v", a, b)
	}
	other := tr
	other.ID = "weight_g"
	if other.Value(ind, key) == a {
		t.Error("two traits share one noise draw")
	}
}

func TestTraitMissingDosageIsImputed(t *testing.T) {
	key := mustMarkers(t, 5, 2_000)
	none := Chip{Name: "none", Coverage: 0}
	ind := NewIndividual(5, 0, none)
	ind.Sex = Female
	tr := Trait{ID: "t", Mean: 100, Effects: []Effect{{Marker: 10, Beta: 3}}}
	want := 100 + 3*2*float64(key[10].AltFreq)
	if got := tr.Value(ind, key); math.Abs(got-want) > 1e-9 {
		t.Errorf("value off the chip = %v, want the mean dosage's %v", got, want)
	}
}

func TestTraitValidate(t *testing.T) {
	tests := []struct {
		trait Trait
		want  string
	}{
		{Trait{ID: "Height"}, "trait id"},
		{Trait{ID: "h", SD: -1}, "SD"},
		{Trait{ID: "h", Mean: math.NaN()}, "finite"},
		{Trait{ID: "h", Effects: []Effect{{Marker: 100}}}, "outside the key"},
		{Trait{ID: "h", Effects: []Effect{{Marker: 1}, {Marker: 1}}}, "twice"},
		{Trait{ID: "h", Effects: []Effect{{Marker: 1, Beta: math.Inf(1)}}}, "non-finite"},
	}
	for _, tt := range tests {
		err := tt.trait.Validate(100)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%+v) = %v, want an error about %q", tt.trait, err, tt.want)
		}
	}
	if _, err := PickEffects(1, mustMarkers(t, 1, 50), Chips()[4], 0.49, make([]float64, 40)); err == nil {
		t.Error("PickEffects found 40 markers with MAF >= 0.49 in a key of 50")
	}
}

func TestPickSharedEffectsChoosesMarkersOnEveryChip(t *testing.T) {
	key, err := Markers(11, 20_000)
	if err != nil {
		t.Fatal(err)
	}
	var chips []Chip
	for _, name := range []string{"v3", "v4", "v5"} {
		c, err := LookupChip(name)
		if err != nil {
			t.Fatal(err)
		}
		chips = append(chips, c)
	}
	betas := []float64{10, 20, 30, 40, 50, 60, 70, 80}
	effects, err := PickSharedEffects(11, key, chips, 0.2, betas)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range effects {
		for _, c := range chips {
			if !c.filter(11).has(e.Marker) {
				t.Errorf("marker %d is not on chip %s", e.Marker, c.Name)
			}
		}
	}
	if _, err := PickSharedEffects(11, key, nil, 0.2, betas); err == nil {
		t.Error("no chips: want an error")
	}
}
