package phenolink

import (
	"fmt"
	"strings"
	"testing"
)

// listColumn is a CohortColumn over ids and values in memory.
type listColumn struct {
	place  int
	ids    []string
	values []float64
}

func (c *listColumn) Place() int { return c.place }

func (c *listColumn) Next() (string, float64, bool, error) {
	if len(c.ids) == 0 {
		return "", 0, false, nil
	}
	id, v := c.ids[0], c.values[0]
	c.ids, c.values = c.ids[1:], c.values[1:]
	return id, v, true, nil
}

// TestEachCohortValue checks the merge of consenting ids with columns:
// profile by profile, then column by column, leaving out non-consenting
// profiles, and an error for a column out of order or repeating an id,
// even past the last consenting id.
func TestEachCohortValue(t *testing.T) {
	columns := func(second ...string) []*listColumn {
		return []*listColumn{
			{place: 1, ids: []string{"a", "b", "d"}, values: []float64{1, 2, 4}},
			{place: 0, ids: second, values: []float64{10, 20, 30}},
		}
	}
	var got []string
	err := EachCohortValue([]string{"b", "c", "d"}, columns("a", "c", "d"), func(id string, k int, v float64) error {
		got = append(got, fmt.Sprintf("%s/%d=%g", id, k, v))
		return nil
	})
	if want := "b/1=2 c/0=20 d/1=4 d/0=30"; err != nil || strings.Join(got, " ") != want {
		t.Errorf("EachCohortValue = %v, %v; want %s", got, err, want)
	}
	// "b" after "c" would have its value dropped unread; "c" twice would
	// give c two values of one phenotype.
	for _, second := range [][]string{{"a", "c", "b"}, {"a", "c", "c"}} {
		err = EachCohortValue([]string{"a"}, columns(second...), func(string, int, float64) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "not in profile id order") {
			t.Errorf("EachCohortValue over a column of %q = %v, want an error", second, err)
		}
	}
}
