package web

import (
	"context"
	"time"
)

// maxParsingUploads bounds the raw-data uploads read at once. A full-size
// file holds about 70 MB while it is parsed and staged, so two at once
// would double the server's peak; the next one waits briefly, then is
// turned away with a message to try again.
const maxParsingUploads = 1

// uploadSlotWait is how long an upload waits for one being read to finish.
const uploadSlotWait = time.Second

// uploadBusyMessage is shown when an upload found no free slot.
const uploadBusyMessage = "Another raw-data file is being read right now. Wait a minute, then upload yours again; nothing of it was stored."

// uploadLimit is a counting semaphore over the uploads being read.
type uploadLimit struct {
	slots chan struct{}
	wait  time.Duration
}

func newUploadLimit(n int, wait time.Duration) *uploadLimit {
	return &uploadLimit{slots: make(chan struct{}, n), wait: wait}
}

// acquire takes a slot, waiting at most l.wait; false means none came free
// (or ctx ended) and the caller must not call release.
func (l *uploadLimit) acquire(ctx context.Context) bool {
	select {
	case l.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// release gives back a slot taken by acquire.
func (l *uploadLimit) release() { <-l.slots }
