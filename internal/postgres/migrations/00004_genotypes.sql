-- The shared marker index and one packed genotype record per profile.
--
-- The index is reference data, not personal: an append-only list in which a
-- marker's position (0, 1, 2, ...) never changes, so records can be stored
-- in index order. It is kept as blocks of up to 65,536 consecutive markers
-- (ids joined by newlines, a byte of chromosome and four of position each)
-- rather than a row per marker: a first import of a million markers writes
-- some 15 rows instead of a million rows and three B-trees, which took
-- seconds. Searches run on each process's in-memory copy of the index.
--
-- genomes holds a profile's record as bytea, one byte (a packed call) per
-- index position; a record shorter than the index reads NotOnChip past its
-- end. A million-marker record is a single 1 MB value, not a million rows.
-- Its TOAST storage is EXTERNAL (uncompressed): calls compress poorly, and
-- reading 2,000 records of 630,000 calls took 2.2 s this way against 3.1 s
-- with lz4.

-- +goose Up
CREATE TABLE marker_blocks (
    first     integer PRIMARY KEY CHECK (first >= 0),
    size      integer NOT NULL CHECK (size BETWEEN 1 AND 65536),
    ids       bytea NOT NULL,
    chroms    bytea NOT NULL CHECK (length(chroms) = size),
    positions bytea NOT NULL CHECK (length(positions) = 4 * size)
);

CREATE TABLE genomes (
    profile_id   text PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    source       text NOT NULL CHECK (source IN ('api', 'file')),
    build        integer NOT NULL,
    chip         text NOT NULL,
    marker_count integer NOT NULL,
    called       integer NOT NULL,
    call_rate    double precision NOT NULL,
    mismatches   integer NOT NULL,
    chrom_counts jsonb NOT NULL, -- markers and called per chromosome, for the chart
    imported_at  timestamptz NOT NULL,
    calls        bytea NOT NULL
);

ALTER TABLE genomes ALTER COLUMN calls SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE genomes;
DROP TABLE marker_blocks;
