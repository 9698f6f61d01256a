-- The shared marker index and one packed genotype record per profile.
--
-- markers is reference data, not personal: an append-only list in which a
-- marker's idx (0, 1, 2, ...) never changes, so records can be stored in
-- index order. idx is the rowid, so the table costs no extra key.
--
-- genomes holds a profile's record as a blob, one byte (a packed call) per
-- index position; a record shorter than the index reads NotOnChip past its
-- end. A million-marker record is a single 1 MB value, not a million rows.

-- +goose Up
CREATE TABLE markers (
    idx   INTEGER PRIMARY KEY CHECK (idx >= 0),
    id    TEXT NOT NULL UNIQUE,
    chrom INTEGER NOT NULL CHECK (chrom BETWEEN 1 AND 25),
    pos   INTEGER NOT NULL CHECK (pos >= 0)
) STRICT;

CREATE INDEX markers_chrom_pos ON markers (chrom, pos);

CREATE TABLE genomes (
    profile_id   TEXT PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    source       TEXT NOT NULL CHECK (source IN ('api', 'file')),
    build        INTEGER NOT NULL,
    chip         TEXT NOT NULL,
    marker_count INTEGER NOT NULL,
    called       INTEGER NOT NULL,
    call_rate    REAL NOT NULL,
    mismatches   INTEGER NOT NULL,
    chrom_counts TEXT NOT NULL, -- JSON: markers and called per chromosome, for the chart
    imported_at  INTEGER NOT NULL,
    calls        BLOB NOT NULL
) STRICT;

-- +goose Down
DROP TABLE genomes;
DROP TABLE markers;
