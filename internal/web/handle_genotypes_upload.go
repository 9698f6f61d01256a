package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"

	"phenolink/internal/phenolink"
	"phenolink/internal/rawfile"
)

// genotypeUploadPath is the one route allowed a body larger than
// Settings.MaxBodyBytes: a raw-data file runs to tens of megabytes.
const genotypeUploadPath = "/genotypes/upload/"

// maxUploadBytes bounds an upload: the largest 23andMe file with room to
// spare, plus a little for the multipart envelope.
const maxUploadBytes = rawfile.DefaultMaxInputBytes + 64<<10

// uploadPage shows the upload form and, after a refused file, why.
type uploadPage struct {
	Profile phenolink.Profile
	Error   string
}

// handleUploadForm shows the form to upload a raw-data file for the
// selected profile.
func handleUploadForm(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		pages.page(w, r, http.StatusOK, "genotypes_upload", uploadPage{Profile: p})
	})
}

// handleUpload parses the uploaded file while it arrives, never writing it
// to disk, stages the parsed genome and queues its import. A file that does
// not parse is refused with the parser's message and nothing is stored.
// Only maxParsingUploads files are read at once; another is answered 503
// with a message to try again.
func handleUpload(pages *renderer, sessions *scs.SessionManager, users phenolink.UserStore, queue phenolink.JobQueue) http.Handler {
	limit := newUploadLimit(maxParsingUploads, uploadSlotWait)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		profile, err := selectedProfile(r, sessions, users)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		if !limit.acquire(ctx) {
			w.Header().Set("Retry-After", "60")
			pages.page(w, r, http.StatusServiceUnavailable, "genotypes_upload", uploadPage{Profile: profile, Error: uploadBusyMessage})
			return
		}
		defer limit.release()
		g, err := parseUpload(r)
		if err != nil {
			if msg, ok := uploadProblem(err); ok {
				pages.page(w, r, http.StatusUnprocessableEntity, "genotypes_upload", uploadPage{Profile: profile, Error: msg})
				return
			}
			pages.error(w, r, err)
			return
		}
		payload, err := stageGenome(profile.ID, g)
		if err != nil {
			pages.error(w, r, err)
			return
		}
		id, err := queue.Enqueue(ctx, phenolink.Job{
			Kind:      phenolink.JobImportGenome,
			UserID:    userFrom(ctx).ID,
			ProfileID: profile.ID,
			Payload:   payload,
		})
		if err != nil {
			pages.error(w, r, fmt.Errorf("enqueue import for profile %q: %w", profile.ID, err))
			return
		}
		http.Redirect(w, r, jobPath(id), http.StatusSeeOther)
	})
}

// parseUpload streams the form's "file" part into the parser.
func parseUpload(r *http.Request) (*rawfile.Genome, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, phenolink.Errorf(phenolink.EINVALID, "Choose a raw-data file to upload.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, phenolink.Errorf(phenolink.EINVALID, "Choose a raw-data file to upload.")
		}
		if err != nil {
			return nil, fmt.Errorf("read upload: %w", err)
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		if part.FileName() == "" {
			return nil, phenolink.Errorf(phenolink.EINVALID, "Choose a raw-data file to upload.")
		}
		g, err := rawfile.Parse(part, rawfile.Options{Name: part.FileName(), SizeHint: r.ContentLength})
		if err != nil {
			return nil, err
		}
		return g, nil
	}
}

// uploadProblem returns the message to show for an upload the person can
// fix: the parser's, or one about the body's size.
func uploadProblem(err error) (string, bool) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fmt.Sprintf("The file is larger than %d MB. Upload the file as 23andMe gave it, or zipped.", rawfile.DefaultMaxInputBytes>>20), true
	}
	var e *phenolink.Error
	if errors.As(err, &e) && (e.Code == phenolink.EINVALID || e.Code == phenolink.ETOOLARGE) {
		return e.Message, true
	}
	if strings.Contains(err.Error(), "multipart") {
		return "The upload was cut off. Try again.", true
	}
	return "", false
}

// stageGenome encodes the parsed file as the import job's payload.
func stageGenome(profileID string, g *rawfile.Genome) ([]byte, error) {
	staged := phenolink.StagedGenome{
		Info: phenolink.GenomeInfo{
			ProfileID: profileID,
			Source:    phenolink.GenomeSourceFile,
			Build:     g.Build,
		},
		Markers: g.Markers,
		Calls:   g.Calls,
	}
	b, err := staged.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("stage genome for profile %q: %w", profileID, err)
	}
	return b, nil
}

// selectedProfile is the signed-in person's profile the session points at.
func selectedProfile(r *http.Request, sessions *scs.SessionManager, users phenolink.UserStore) (phenolink.Profile, error) {
	ctx := r.Context()
	profiles, err := users.Profiles(ctx, userFrom(ctx).ID)
	if err != nil {
		return phenolink.Profile{}, err
	}
	p := currentProfile(profiles, sessions.GetString(ctx, keyProfileID))
	if p.ID == "" {
		return p, phenolink.Errorf(phenolink.ENOTFOUND, "Your 23andMe account has no profiles yet. Press “Update from 23andMe” on the start page.")
	}
	return p, nil
}
