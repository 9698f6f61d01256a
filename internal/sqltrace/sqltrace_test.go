package sqltrace

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestCounterCountsConcurrentStatements(t *testing.T) {
	ctx, c := WithCounter(context.Background())
	const goroutines, each = 8, 100
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				Record(ctx, time.Millisecond)
			}
		})
	}
	wg.Wait()
	if got, want := c.Count(), int64(goroutines*each); got != want {
		t.Errorf("Count() = %d, want %d", got, want)
	}
	if got, want := c.Total(), goroutines*each*time.Millisecond; got != want {
		t.Errorf("Total() = %v, want %v", got, want)
	}
	if FromContext(ctx) != c {
		t.Error("FromContext did not return the counter WithCounter made")
	}
}

func TestRecordWithoutCounterIsIgnored(t *testing.T) {
	ctx := context.Background()
	Record(ctx, time.Second) // must not panic
	c := FromContext(ctx)
	if c != nil {
		t.Fatalf("FromContext(background) = %v, want nil", c)
	}
	if c.Count() != 0 || c.Total() != 0 {
		t.Errorf("nil counter reports %d statements in %v, want none", c.Count(), c.Total())
	}
}

func TestCountersAreIndependentPerContext(t *testing.T) {
	ctx1, c1 := WithCounter(context.Background())
	ctx2, c2 := WithCounter(context.Background())
	Record(ctx1, time.Second)
	Record(ctx2, 2*time.Second)
	Record(ctx2, 3*time.Second)
	if c1.Count() != 1 || c1.Total() != time.Second {
		t.Errorf("first counter = %d, %v; want 1, 1s", c1.Count(), c1.Total())
	}
	if c2.Count() != 2 || c2.Total() != 5*time.Second {
		t.Errorf("second counter = %d, %v; want 2, 5s", c2.Count(), c2.Total())
	}
}
