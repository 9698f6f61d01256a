// Package importer does the genome work of the job queue: it stores a
// genome staged from an uploaded raw file (phenolink.JobImportGenome) and
// fetches a profile's genome from the 23andMe API with the user's stored
// token (phenolink.JobSyncGenome). New returns an Importer whose Handlers
// a jobs.Runner runs.
//
// A sync reads the whole packed v1 genome when the token holds the genomes
// scope, decoding it with the genome key (/res/txt/snps.data). The key is
// the same for every person and runs to tens of megabytes, so an Importer
// fetches it once per API URL and shares it across jobs; a genome longer
// than the cached key (23andMe grew it) fetches it again once. A token
// granted only single markers (scopes such as "rs53576") reads those
// markers through the v3 API instead, for the ones the shared marker index
// already holds, since the index is what gives them their positions. A
// token with neither fails for good with a message asking the person to
// sign in again and allow the genome.
//
// Errors carry domain codes that tell the runner whether to retry: 23andMe
// being busy or down (429, 5xx, network) is EUNAVAILABLE and retried;
// a sign-in that cannot be refreshed (401) or a refusal (403) fails for
// good with EFORBIDDEN and a message telling the person to sign in again,
// because no retry can fix either.
package importer
