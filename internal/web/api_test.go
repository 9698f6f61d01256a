package web

import (
	"sync"
	"testing"
)

func TestUserLocksAreReleased(t *testing.T) {
	a := &api{users: make(map[string]*userLock)}
	var wg sync.WaitGroup
	counter := 0
	for range 50 {
		wg.Go(func() {
			defer a.lockUser("u1")()
			counter++ // the race detector checks the lock serialises this
		})
	}
	wg.Wait()
	if counter != 50 || len(a.users) != 0 {
		t.Fatalf("counter %d, %d locks left, want 50 and 0", counter, len(a.users))
	}
}
