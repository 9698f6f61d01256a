package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"phenolink/internal/phenolink"
)

// jobPath is the page that follows a job.
func jobPath(id int64) string { return "/jobs/" + strconv.FormatInt(id, 10) + "/" }

// jobStatus is what the status endpoint answers and what poll.js reads.
type jobStatus struct {
	Status   string  `json:"status"`
	Progress float64 `json:"progress"`
	Message  string  `json:"message"`
}

// jobPage shows one job's state; JavaScript keeps it current.
type jobPage struct {
	Job       phenolink.Job
	StatusURL string
	Finished  bool
	Title     string
}

// ownJob loads the job in the path when it belongs to the signed-in
// person. Another person's job reads as missing, so ids reveal nothing.
func ownJob(r *http.Request, queue phenolink.JobQueue) (phenolink.Job, error) {
	notFound := phenolink.Errorf(phenolink.ENOTFOUND, "There is no such job. It may have been deleted with its genotypes.")
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return phenolink.Job{}, notFound
	}
	j, err := queue.Job(r.Context(), id)
	if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
		return phenolink.Job{}, notFound
	}
	if err != nil {
		return phenolink.Job{}, err
	}
	if j.UserID != userFrom(r.Context()).ID {
		return phenolink.Job{}, notFound
	}
	return j, nil
}

// handleJob shows a job's progress. Without JavaScript the page offers a
// link to look again; with it, poll.js updates it in place.
func handleJob(pages *renderer, queue phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		j, err := ownJob(r, queue)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		p := jobPage{
			Job:       j,
			StatusURL: jobPath(j.ID) + "status",
			Finished:  j.State == phenolink.JobDone || j.State == phenolink.JobFailed,
			Title:     jobTitle(j.Kind),
		}
		pages.page(w, r, http.StatusOK, "job", p)
	})
}

// jobTitle names a job kind for people.
func jobTitle(kind string) string {
	switch kind {
	case phenolink.JobImportGenome:
		return "Importing your raw-data file"
	case phenolink.JobSyncGenome:
		return "Fetching your genotypes from 23andMe"
	}
	return "Job"
}

// handleJobStatus answers {status, progress, message} for poll.js.
func handleJobStatus(queue phenolink.JobQueue) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		j, err := ownJob(r, queue)
		if err != nil {
			status := http.StatusInternalServerError
			if phenolink.ErrorCode(err) == phenolink.ENOTFOUND {
				status = http.StatusNotFound
			}
			w.WriteHeader(status)
			_ = json.NewEncoder(w).Encode(map[string]string{"status": "unknown", "message": phenolink.ErrorMessage(err)})
			return
		}
		_ = json.NewEncoder(w).Encode(jobStatus{Status: j.State, Progress: j.Progress, Message: j.Message})
	})
}
