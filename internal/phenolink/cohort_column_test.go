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
	last   string
}

func (c *listColumn) Place() int { return c.place }

func (c *listColumn) ValueOf(id string) (float64, bool, error) { return c.read(id, false) }

func (c *listColumn) Done() error {
	_, _, err := c.read("", true)
	return err
}

func (c *listColumn) read(id string, toEnd bool) (float64, bool, error) {
	for len(c.ids) > 0 {
		head := c.ids[0]
		if c.last != "" && head <= c.last {
			return 0, false, fmt.Errorf("not in order: %q after %q", head, c.last)
		}
		if !toEnd && head > id {
			return 0, false, nil
		}
		c.last, c.ids = head, c.ids[1:]
		v := c.values[0]
		c.values = c.values[1:]
		if !toEnd && head == id {
			return v, true, nil
		}
	}
	return 0, false, nil
}

// TestEachCohortValue checks the merge of consenting ids with columns:
// profile by profile, then column by column, leaving out non-consenting
// profiles, and an error for a column out of order even past the last
// consenting id.
func TestEachCohortValue(t *testing.T) {
	columns := func(second []string) []*listColumn {
		return []*listColumn{
			{place: 1, ids: []string{"a", "b", "d"}, values: []float64{1, 2, 4}},
			{place: 0, ids: second, values: []float64{10, 20, 30}},
		}
	}
	var got []string
	err := EachCohortValue([]string{"b", "c", "d"}, columns([]string{"a", "c", "d"}), func(id string, k int, v float64) error {
		got = append(got, fmt.Sprintf("%s/%d=%g", id, k, v))
		return nil
	})
	if want := "b/1=2 c/0=20 d/1=4 d/0=30"; err != nil || strings.Join(got, " ") != want {
		t.Errorf("EachCohortValue = %v, %v; want %s", got, err, want)
	}
	// "b" comes after "c": its value would be dropped unread.
	err = EachCohortValue([]string{"a"}, columns([]string{"a", "c", "b"}), func(string, int, float64) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "not in order") {
		t.Errorf("EachCohortValue over a column out of order = %v, want an error", err)
	}
}
