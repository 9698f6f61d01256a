package importer

import (
	"context"
	"strings"
	"testing"
	"time"

	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
	"phenolink/internal/synth"
	"phenolink/internal/ttamsim"
)

// staged builds a payload for profileID from synthetic individual index,
// as the upload handler stages a parsed raw file: markers on the chip only.
func staged(t *testing.T, profileID string, index int) ([]byte, map[string]phenolink.Call) {
	t.Helper()
	key, err := synth.Markers(simSeed, simMarkers)
	if err != nil {
		t.Fatal(err)
	}
	g := phenolink.StagedGenome{Info: phenolink.GenomeInfo{ProfileID: profileID, Source: phenolink.GenomeSourceFile,
		Build: phenolink.GenomeBuild, Chip: "v5"}}
	want := map[string]phenolink.Call{}
	for i, c := range synth.NewIndividual(simSeed, index, synth.Chips()[4]).Genome(key) {
		if c == phenolink.NotOnChip {
			continue
		}
		m := key[i]
		g.Markers = append(g.Markers, phenolink.Marker{ID: m.ID, Chrom: phenolink.Chromosome(m.Chrom), Pos: m.Pos})
		g.Calls = append(g.Calls, c)
		want[m.ID] = c
	}
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b, want
}

func TestImportGenome(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB, *secretbox.Box) store) {
		e := newEnv(t, open, ttamsim.Faults{})
		acc, p := e.account(t, "Erin")
		user, _ := e.signIn(t, acc.ID, "basic")
		payload, want := staged(t, p.ID, 7)
		j := e.claim(t, phenolink.JobImportGenome, user, p.ID, payload)
		msg, _, err := run(t, e.im.ImportGenome, j)
		if err != nil {
			t.Fatal(err)
		}
		sameCalls(t, "import", record(t, e.db, p.ID), want)
		info, err := e.db.Genome(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if info.Source != phenolink.GenomeSourceFile || info.Chip != "v5" {
			t.Errorf("stored info %+v", info)
		}
		if !strings.HasPrefix(msg, "Stored "+thousands(len(want))+" markers (call rate 9") {
			t.Errorf("message %q for %d markers", msg, len(want))
		}
	})
}

// TestFailedImportKeepsPreviousRecord tries the ways an import can fail
// after a record exists: a payload that does not decode, one for another
// profile, one the store refuses half-way through its markers, and one
// whose worker was stopped. Each leaves the first record whole.
func TestFailedImportKeepsPreviousRecord(t *testing.T) {
	eachStore(t, func(t *testing.T, open func(testing.TB, *secretbox.Box) store) {
		e := newEnv(t, open, ttamsim.Faults{})
		acc, p := e.account(t, "Erin")
		user, _ := e.signIn(t, acc.ID, "basic")
		payload, want := staged(t, p.ID, 7)
		if _, _, err := run(t, e.im.ImportGenome, e.claim(t, phenolink.JobImportGenome, user, p.ID, payload)); err != nil {
			t.Fatal(err)
		}
		before, err := e.db.Genome(t.Context(), p.ID)
		if err != nil {
			t.Fatal(err)
		}

		other, _ := staged(t, p.ID, 8)
		var bad phenolink.StagedGenome
		if err := bad.UnmarshalBinary(other); err != nil {
			t.Fatal(err)
		}
		bad.Calls[len(bad.Calls)/2] = 0x99 // not a call
		badPayload, _ := bad.MarshalBinary()
		foreign, _ := staged(t, "someone-else", 8)

		tests := []struct {
			name    string
			payload []byte
			ctx     func() context.Context
			code    string
			text    string
		}{
			{"truncated", other[:len(other)/2], t.Context, phenolink.EINVALID, "Upload the raw-data file again"},
			{"another profile", foreign, t.Context, phenolink.EINVALID, "another profile"},
			{"malformed call", badPayload, t.Context, phenolink.EINVALID, "malformed call"},
			{"stopped worker", other, func() context.Context {
				ctx, cancel := context.WithCancel(t.Context())
				cancel()
				return ctx
			}, "", ""},
		}
		for _, tt := range tests {
			j := e.claim(t, phenolink.JobImportGenome, user, p.ID, tt.payload)
			_, err := e.im.ImportGenome(tt.ctx(), j, func(float64, string) error { return nil })
			if err == nil {
				t.Fatalf("%s: the import succeeded", tt.name)
			}
			if tt.code != "" && (phenolink.ErrorCode(err) != tt.code || !strings.Contains(phenolink.ErrorMessage(err), tt.text)) {
				t.Errorf("%s: error %v (%q), want %s mentioning %q", tt.name, err, phenolink.ErrorMessage(err), tt.code, tt.text)
			}
			e.db.Fail(t.Context(), j.ID, "test", false)
			after, err := e.db.Genome(t.Context(), p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !after.ImportedAt.Equal(before.ImportedAt) || after.MarkerCount != before.MarkerCount {
				t.Errorf("%s: record info changed from %+v to %+v", tt.name, before, after)
			}
			sameCalls(t, tt.name, record(t, e.db, p.ID), want)
		}
	})
}

// TestRunnerRunsTheHandlers runs the handlers under a jobs.Runner: an
// import ends done with its message, a sync without the genomes scope fails
// on its first attempt, and a sync against a failing 23andMe goes back in
// the queue.
func TestRunnerRunsTheHandlers(t *testing.T) {
	e := newEnv(t, openSQLite, ttamsim.Faults{})
	down := newEnv(t, openSQLite, ttamsim.Faults{ErrorRate: 1})
	acc, p := e.account(t, "Erin")
	user, _ := e.signIn(t, acc.ID, "basic", "names")
	payload, _ := staged(t, p.ID, 3)
	enqueue := func(e *env, kind, user, profile string, payload []byte) int64 {
		id, err := e.db.Enqueue(t.Context(), phenolink.Job{Kind: kind, UserID: user, ProfileID: profile, Payload: payload, MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	imported := enqueue(e, phenolink.JobImportGenome, user, p.ID, payload)
	refused := enqueue(e, phenolink.JobSyncGenome, user, p.ID, nil)
	downUser, _ := down.signIn(t, acc.ID, "basic", "genomes")
	retried := enqueue(down, phenolink.JobSyncGenome, downUser, p.ID, nil)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	for _, x := range []*env{e, down} {
		r := jobs.Runner{Queue: x.db, Handlers: x.im.Handlers(), PollInterval: 10 * time.Millisecond}
		go r.Run(ctx)
	}
	job := func(e *env, id int64) phenolink.Job {
		j, err := e.db.Job(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		a, b, c := job(e, imported), job(e, refused), job(down, retried)
		if a.State == phenolink.JobDone && b.State == phenolink.JobFailed && c.Attempts == 1 && c.State == phenolink.JobQueued {
			if !strings.HasPrefix(a.Message, "Stored ") {
				t.Errorf("import message %q", a.Message)
			}
			if b.Attempts != 1 || !strings.Contains(b.Message, "genomes permission") {
				t.Errorf("refused sync: %d attempts, message %q", b.Attempts, b.Message)
			}
			if !strings.Contains(c.Message, "23andMe") {
				t.Errorf("retried sync message %q", c.Message)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs did not settle: import %s %q, refused %s %q, retried %s (%d attempts) %q",
				a.State, a.Message, b.State, b.Message, c.State, c.Attempts, c.Message)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
