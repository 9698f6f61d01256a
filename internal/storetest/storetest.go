// Package storetest is the one test suite every database adapter must pass.
// Each adapter's tests call Run with a Harness that makes empty databases of
// its kind, so SQLite and Postgres are held to the same behaviour.
package storetest

import (
	"context"
	"testing"
	"time"

	"phenolink/internal/phenolink"
	"phenolink/internal/secretbox"
)

// Store is everything an adapter offers the rest of the app.
type Store interface {
	phenolink.UserStore
	phenolink.TokenStore
	phenolink.SessionStore
	phenolink.HealthChecker
	phenolink.GenotypeStore
	phenolink.JobQueue
	phenolink.PhenotypeStore
	phenolink.ScanStore
	phenolink.MarkerCallReader
	phenolink.ChangeReader
	Find(token string) ([]byte, bool, error)
	Commit(token string, data []byte, expiry time.Time) error
	Delete(token string) error
	DeleteExpiredSessions(ctx context.Context) (int64, error)
	ResealTokens(ctx context.Context) (int64, error)
	Migrate(ctx context.Context) error
	SchemaStatus(ctx context.Context) (current, latest int64, err error)
	Close() error
}

// Harness adapts the suite to one database.
type Harness struct {
	// NewDatabase creates an empty database (no schema) used by one test
	// alone and returns a function that opens stores on it, each with the
	// given box. The harness closes the stores and removes the database
	// when t ends.
	NewDatabase func(t *testing.T) (open func(box *secretbox.Box) Store)
	// Count returns the number of rows in table.
	Count func(t *testing.T, s Store, table string) int
	// Raw returns everything the database stores for table, as bytes in
	// which a value kept in the clear would appear verbatim.
	Raw func(t *testing.T, s Store, table string) []byte
	// Tables lists the schema's tables, leaving out the migration tool's
	// and the database's own.
	Tables func(t *testing.T, s Store) []string
}

// Run runs the whole suite; its subtests run in parallel, each on its own
// database.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"Migrate", testMigrate},
		{"Ping", testPing},
		{"SaveUserAndProfiles", testSaveUserAndProfiles},
		{"ProfileOfAnotherAccountConflicts", testProfileConflict},
		{"InvalidUserStoresNothing", testInvalidUser},
		{"UserNotFound", testUserNotFound},
		{"TokenRoundTrip", testTokenRoundTrip},
		{"InvalidTokenStoresNothing", testInvalidToken},
		{"TokenIsEncryptedAtRest", testTokenEncryptedAtRest},
		{"TokenWrongKey", testTokenWrongKey},
		{"ResealTokensAfterRotation", testResealTokens},
		{"ConcurrentSaveToken", testConcurrentSaveToken},
		{"Sessions", testSessions},
		{"SessionExpiry", testSessionExpiry},
		{"SessionUser", testSessionUser},
		{"DeleteUser", testDeleteUser},
		{"StatementsAreCounted", testStatementsAreCounted},
		{"GenomeRoundTrip", testGenomeRoundTrip},
		{"GenomeIndexGrows", testGenomeIndexGrows},
		{"GenomeReimportReplaces", testGenomeReimport},
		{"GenomeFailedSaveKeepsPrevious", testGenomeFailedSave},
		{"GenomeRefused", testGenomeRefused},
		{"GenotypeCalls", testGenotypeCalls},
		{"DeleteGenome", testDeleteGenome},
		{"JobLifecycle", testJobLifecycle},
		{"JobConcurrentClaim", testJobConcurrentClaim},
		{"JobLeaseExpiry", testJobLeaseExpiry},
		{"JobRetry", testJobRetry},
		{"JobRunner", testJobRunner},
		{"JobRunnerStops", testJobRunnerStops},
		{"JobPayloadInParts", testJobPayloadInParts},
		{"PhenotypeCatalog", testPhenotypeCatalog},
		{"PhenotypeValuesAllOrNone", testPhenotypeValuesAllOrNone},
		{"PhenotypeValuesNeedConsent", testPhenotypeValuesNeedConsent},
		{"WithdrawConsent", testWithdrawConsent},
		{"Roles", testRoles},
		{"AuditLog", testAuditLog},
		{"Scans", testScans},
		{"ScanRefused", testScanRefused},
		{"CallsAt", testCallsAt},
		{"CallsAtLongRecords", testCallsAtLongRecords},
		{"Generations", testGenerations},
		{"CohortChanges", testCohortChanges},
		{"GenomeChanges", testGenomeChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, h)
		})
	}
}

// testKey is the secret the suite's stores use unless a test needs another.
const testKey = "storetest secret key"

// box returns a Box for the secrets or fails the test.
func box(t *testing.T, current string, previous ...string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(current, previous...)
	if err != nil {
		t.Fatalf("secretbox.New: %v", err)
	}
	return b
}

// migrated returns a migrated store on a new database.
func migrated(t *testing.T, h Harness) Store {
	t.Helper()
	s := h.NewDatabase(t)(box(t, testKey))
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

// wantCode fails the test unless err carries the phenolink error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := phenolink.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (err: %v), want %q", got, err, code)
	}
}

// personalTables lists every table holding a person's rows; testDeleteUser
// fails when the schema has a table that is in none of this list,
// sharedTables and researchTables.
func personalTables() []string {
	return []string{"users", "profiles", "tokens", "sessions", "genomes", "genome_chunks", "jobs", "job_payload_parts", "phenotype_values", "consents", "roles"}
}

// sharedTables lists the tables that belong to no one: the marker index,
// the phenotype catalog, and the change counters of the results page with
// their logs of changes, which name profiles but none that has been
// deleted (testDeleteUser checks it).
func sharedTables() []string {
	return []string{"marker_blocks", "phenotypes", "generations", "cohort_changes", "genome_changes"}
}

// researchTables lists the researchers' records of what they ran and
// exported. They hold no participant data and name a researcher only by
// account id, so they stay when that account is deleted: they are what
// holds researchers accountable.
func researchTables() []string { return []string{"scans", "scan_results", "audit_log"} }

// wantCounts fails the test unless each table has the given number of rows.
func wantCounts(t *testing.T, h Harness, s Store, want map[string]int) {
	t.Helper()
	for _, table := range append(personalTables(), researchTables()...) {
		if got := h.Count(t, s, table); got != want[table] {
			t.Errorf("%s has %d rows, want %d", table, got, want[table])
		}
	}
}
