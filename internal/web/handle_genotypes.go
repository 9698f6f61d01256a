package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
)

// genotypesPage is "My genotypes": the record's summary, the latest job,
// a search over the markers and the per-chromosome chart.
type genotypesPage struct {
	Profile  phenolink.Profile
	Genome   *phenolink.GenomeInfo // nil when nothing is stored yet
	Job      *phenolink.Job        // the newest import or sync, if any
	Busy     bool                  // Job is queued or running
	Query    string
	Error    string // why the search was not understood
	Rows     []phenolink.GenotypeRow
	Searched bool
	Prev     string // link to the previous page of results, if any
	Next     string
	First    int // 1-based number of the first row shown
	Chart    chromosomeChart
}

// rangeRe matches a region such as "1:100000-200000" or "chrX:5-90".
var rangeRe = regexp.MustCompile(`^(?i:chr)?([0-9]{1,2}|[XYxy]|MT|mt):([0-9]+)-([0-9]+)$`)

// parseGenotypeSearch reads the search box: an rsid prefix or a region.
func parseGenotypeSearch(s string, page int) (phenolink.GenotypeQuery, error) {
	q := phenolink.GenotypeQuery{Limit: phenolink.DefaultGenotypePage, Offset: page * phenolink.DefaultGenotypePage}
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if m := rangeRe.FindStringSubmatch(s); m != nil {
		c, err := phenolink.ParseChromosome(strings.ToUpper(m[1]))
		if err != nil {
			return q, err
		}
		start, err1 := strconv.ParseUint(m[2], 10, 32)
		end, err2 := strconv.ParseUint(m[3], 10, 32)
		if err1 != nil || err2 != nil || start > end {
			return q, phenolink.Errorf(phenolink.EINVALID, "Write a region as chromosome:start-end with start at most end, such as 1:100000-200000.")
		}
		q.Chrom, q.Start, q.End = c, uint32(start), uint32(end)
	} else if strings.Contains(s, ":") {
		return q, phenolink.Errorf(phenolink.EINVALID, "Write a region as chromosome:start-end, such as 1:100000-200000, or search for a marker id such as rs53576.")
	} else {
		q.ID, q.Prefix = strings.ToLower(s), true
	}
	return q.Normalize()
}

// handleGenotypes shows the selected profile's genotypes.
func handleGenotypes(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, genotypes phenolink.GenotypeStore, queue phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		profile, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p := genotypesPage{Profile: profile, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
		if p.Job, p.Busy, err = latestGenomeJob(r, queue, profile.ID); err != nil {
			pages.error(w, r, err)
			return
		}
		info, err := genotypes.Genome(ctx, profile.ID)
		switch {
		case phenolink.ErrorCode(err) == phenolink.ENOTFOUND:
			pages.page(w, r, http.StatusOK, "genotypes", p)
			return
		case err != nil:
			pages.error(w, r, err)
			return
		}
		p.Genome = &info
		counts, err := genotypes.ChromosomeCounts(ctx, profile.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p.Chart = newChromosomeChart(counts)
		if p.Query != "" {
			if err := p.search(r, genotypes); err != nil {
				pages.error(w, r, err)
				return
			}
		}
		pages.page(w, r, http.StatusOK, "genotypes", p)
	})
}

// search fills the page's rows; a query the person can fix sets Error.
func (p *genotypesPage) search(r *http.Request, genotypes phenolink.GenotypeStore) error {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 0)
	q, err := parseGenotypeSearch(p.Query, page)
	if phenolink.ErrorCode(err) == phenolink.EINVALID {
		p.Error = phenolink.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	res, err := genotypes.GenotypeCalls(r.Context(), p.Profile.ID, q)
	if err != nil {
		return fmt.Errorf("search genotypes %q: %w", p.Query, err)
	}
	p.Searched, p.Rows, p.First = true, res.Rows, q.Offset+1
	link := func(n int) string {
		v := url.Values{"q": {p.Query}}
		if n > 0 {
			v.Set("page", strconv.Itoa(n))
		}
		return "/genotypes/?" + v.Encode()
	}
	if page > 0 {
		p.Prev = link(page - 1)
	}
	if res.More {
		p.Next = link(page + 1)
	}
	return nil
}

// latestGenomeJob returns the profile's newest import or sync and whether
// it is still waiting or running.
func latestGenomeJob(r *http.Request, queue phenolink.JobQueue, profileID string) (*phenolink.Job, bool, error) {
	var latest *phenolink.Job
	for _, kind := range []string{phenolink.JobImportGenome, phenolink.JobSyncGenome} {
		j, err := queue.LatestJob(r.Context(), profileID, kind)
		if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		if latest == nil || j.CreatedAt.After(latest.CreatedAt) || (j.CreatedAt.Equal(latest.CreatedAt) && j.ID > latest.ID) {
			latest = &j
		}
	}
	busy := latest != nil && (latest.State == phenolink.JobQueued || latest.State == phenolink.JobRunning)
	return latest, busy, nil
}

// handleSync queues a fetch of the selected profile's genotypes from the
// 23andMe API, unless one is already waiting or running.
func handleSync(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, queue phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		profile, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		j, busy, err := latestGenomeJob(r, queue, profile.ID)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if busy {
			sessions.Put(ctx, keyFlashMessage, "Your genotypes are already being imported; this page shows how far it is.")
			http.Redirect(w, r, jobPath(j.ID), http.StatusSeeOther)
			return
		}
		id, err := queue.Enqueue(ctx, phenolink.Job{Kind: phenolink.JobSyncGenome, UserID: userFrom(ctx).ID, ProfileID: profile.ID})
		if err != nil {
			pages.error(w, r, fmt.Errorf("enqueue sync for profile %q: %w", profile.ID, err))
			return
		}
		http.Redirect(w, r, jobPath(id), http.StatusSeeOther)
	})
}

// deleteGenotypesPage asks before deleting.
type deleteGenotypesPage struct {
	Profile phenolink.Profile
}

// handleDeleteGenotypesConfirm asks whether to delete the profile's record.
func handleDeleteGenotypesConfirm(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		profile, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "genotypes_delete", deleteGenotypesPage{Profile: profile})
	})
}

// handleDeleteGenotypes deletes the selected profile's record and its jobs.
func handleDeleteGenotypes(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, genotypes phenolink.GenotypeStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		profile, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if err := genotypes.DeleteGenome(ctx, profile.ID); err != nil {
			pages.error(w, r, fmt.Errorf("delete genome of profile %q: %w", profile.ID, err))
			return
		}
		sessions.Put(ctx, keyFlashMessage, "The genotypes of "+profile.Name()+" have been deleted.")
		http.Redirect(w, r, "/genotypes/", http.StatusSeeOther)
	})
}
