package sqlite

import (
	"testing"
)

// The driver's real errors are classified, not look-alikes.
func TestConstraintErrorsAreRecognised(t *testing.T) {
	ctx := t.Context()
	db := openMigrated(t, Options{})
	insertUser := `INSERT INTO users (id, first_name, last_name, email, created_at, updated_at) VALUES ('u1', '', '', '', 0, 0)`
	if _, err := db.write.ExecContext(ctx, insertUser); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		stmt       string
		unique, fk bool
	}{
		{"duplicate primary key", insertUser, true, false},
		{"missing user", `INSERT INTO profiles (id, user_id, first_name, last_name, is_genotyped) VALUES ('p1', 'nobody', '', '', 0)`, false, true},
		{"check constraint", `INSERT INTO sessions (token_hash, data, expiry) VALUES (x'00', x'', 0)`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.write.ExecContext(ctx, tt.stmt)
			if err == nil {
				t.Fatal("statement succeeded, want a constraint error")
			}
			if got := isUniqueViolation(err); got != tt.unique {
				t.Errorf("isUniqueViolation(%v) = %v, want %v", err, got, tt.unique)
			}
			if got := isForeignKeyViolation(err); got != tt.fk {
				t.Errorf("isForeignKeyViolation(%v) = %v, want %v", err, got, tt.fk)
			}
		})
	}
}
