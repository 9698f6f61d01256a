-- The shared marker index and one packed genotype record per profile.
--
-- markers is reference data, not personal: an append-only list in which a
-- marker's idx (0, 1, 2, ...) never changes, so records can be stored in
-- index order. id uses the "C" collation so that prefix searches are byte
-- range scans of its unique index.
--
-- genomes holds a profile's record as bytea, one byte (a packed call) per
-- index position; a record shorter than the index reads NotOnChip past its
-- end. A million-marker record is a single 1 MB value, not a million rows.
-- Its storage is lz4-compressed TOAST: pglz is slow to decompress a full
-- scan of every record, lz4 decompresses at memory speed and still halves
-- the bytes read.

-- +goose Up
CREATE TABLE markers (
    idx   integer PRIMARY KEY CHECK (idx >= 0),
    id    text COLLATE "C" NOT NULL UNIQUE,
    chrom smallint NOT NULL CHECK (chrom BETWEEN 1 AND 25),
    pos   integer NOT NULL CHECK (pos >= 0)
);

CREATE INDEX markers_chrom_pos ON markers (chrom, pos);

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

ALTER TABLE genomes ALTER COLUMN calls SET COMPRESSION lz4;

-- +goose Down
DROP TABLE genomes;
DROP TABLE markers;
