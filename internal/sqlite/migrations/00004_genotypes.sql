-- The shared marker index and one packed genotype record per profile.
--
-- The index is reference data, not personal: an append-only list in which a
-- marker's position (0, 1, 2, ...) never changes, so records can be stored
-- in index order. It is kept as blocks of up to 65,536 consecutive markers
-- (ids joined by newlines, a byte of chromosome and four of position each)
-- rather than a row per marker, so a first import of a million markers
-- writes some 15 rows instead of a million rows and their indexes. Searches
-- run on each process's in-memory copy of the index.
--
-- genomes holds a profile's record as a blob, one byte (a packed call) per
-- index position; a record shorter than the index reads NotOnChip past its
-- end. A million-marker record is a single 1 MB value, not a million rows.

-- +goose Up
CREATE TABLE marker_blocks (
    first     INTEGER PRIMARY KEY CHECK (first >= 0),
    size      INTEGER NOT NULL CHECK (size BETWEEN 1 AND 65536),
    ids       BLOB NOT NULL,
    chroms    BLOB NOT NULL CHECK (length(chroms) = size),
    positions BLOB NOT NULL CHECK (length(positions) = 4 * size)
) STRICT;

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
DROP TABLE marker_blocks;
