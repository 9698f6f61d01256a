package importer

import (
	"context"
	"fmt"

	"phenolink/internal/jobs"
	"phenolink/internal/phenolink"
)

// ImportGenome stores the genome staged in the job's payload as the
// profile's record. The store writes it only while the job is still this
// worker's, and in one transaction, so a failed or cut-off import leaves
// the previous record whole.
func (im *Importer) ImportGenome(ctx context.Context, job phenolink.Job, progress jobs.Progress) (string, error) {
	var g phenolink.StagedGenome
	if err := g.UnmarshalBinary(job.Payload); err != nil {
		return "", fmt.Errorf("importer.ImportGenome(job %d): %w: %w",
			job.ID, phenolink.Errorf(phenolink.EINVALID, "The staged genome could not be read. Upload the raw-data file again."), err)
	}
	// The decoded genome replaces the payload; this copy of the job no
	// longer keeps the payload's bytes reachable while the genome is stored.
	job.Payload = nil
	if job.ProfileID != "" && g.Info.ProfileID != job.ProfileID {
		return "", phenolink.Errorf(phenolink.EINVALID, "The staged genome belongs to another profile. Upload the raw-data file again.")
	}
	if err := progress(0.1, fmt.Sprintf("Storing %s markers…", thousands(len(g.Markers)))); err != nil {
		return "", err
	}
	g.Info.JobID = job.ID
	info, err := im.d.Genomes.SaveGenome(ctx, g.Info, g.Markers, g.Calls)
	if err != nil {
		return "", fmt.Errorf("importer.ImportGenome(job %d, profile %q): %w", job.ID, g.Info.ProfileID, err)
	}
	return storedMessage(info), nil
}

// storedMessage tells the person what was stored, e.g. "Stored 631,204
// markers (call rate 99.1%)."
func storedMessage(info phenolink.GenomeInfo) string {
	return fmt.Sprintf("Stored %s markers (call rate %.1f%%).", thousands(info.MarkerCount), 100*info.CallRate)
}

// thousands writes n with comma separators, as the pages show counts.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
