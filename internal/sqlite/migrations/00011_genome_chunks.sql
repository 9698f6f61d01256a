-- A marker-major copy of every record for the per-SNP results page.
-- (There is no 00010 here: the number matches the same table's migration
-- in the Postgres store; goose applies the files in order either way.)
--
-- The page reads a few index positions of every record. SQLite loads a
-- whole genomes.calls blob to evaluate substr on it, so each read cost a
-- pass over every record: 64 ms for five positions over 10,000 records of
-- 10,000 markers, and seconds with full genomes. genome_chunks holds the
-- same calls cut into pieces of 512 index positions (chunk k holds
-- positions k*512 to k*512+511; a record's last piece may be shorter). The
-- table is WITHOUT ROWID with key (chunk, profile_id), so one chunk's
-- pieces of all records lie together in its b-tree in profile id order, and
-- reading a position of every record is one range of about 1,400 pages for
-- 10,000 records, whatever the length of the records.
--
-- Why 512: a WITHOUT ROWID table is an index b-tree, whose cells keep at
-- most (U-12)*64/255-23 bytes of their row in the page, where U is the page
-- size: 1,002 bytes at SQLite's default of 4,096 (PRAGMA page_size; this
-- database never sets it). Past that the rest goes to overflow pages, a
-- page read more per row. A row of 512 calls, its chunk number, a profile
-- id of up to 256 bytes (phenolink.MaxNameLength) and the record header
-- comes to at most some 780 bytes, so every row stays in its leaf; 1,024
-- would overflow. Smaller pieces trade writes for reads: with 256, reading
-- 10 positions of 10,000 records took 90 ms instead of 104, but storing
-- 2,000 records of 630,000 markers took 4 min 45 s instead of 3 min 22 s
-- and a re-import of 960,000 markers 46 ms instead of 37.
--
-- The price is space and write time: the calls are stored twice and an
-- import writes some 1,900 more rows for a full genome. Scans, exports and
-- a participant's own pages keep reading genomes.calls, whole records
-- being what they need.
--
-- SaveGenome replaces a profile's pieces in the transaction that writes
-- its genomes row, so the genomes change counter (migration 00008), which
-- that write moves, covers them; deleting the record deletes them.

-- +goose Up
CREATE TABLE genome_chunks (
    chunk      INTEGER NOT NULL CHECK (chunk >= 0),
    profile_id TEXT NOT NULL REFERENCES genomes (profile_id) ON DELETE CASCADE,
    calls      BLOB NOT NULL CHECK (length(calls) BETWEEN 1 AND 512),
    PRIMARY KEY (chunk, profile_id)
) STRICT, WITHOUT ROWID;

-- For deleting a profile's pieces, by SaveGenome and by the cascade.
CREATE INDEX genome_chunks_profile_id ON genome_chunks (profile_id);

-- The records already stored. CROSS JOIN keeps genomes the outer loop, so
-- all the pieces of one record are cut while its row is current, and
-- SQLite reads a value that spills into overflow pages once per row, not
-- once per substr: 200 records of 630,000 calls take about 2 s
-- (BenchmarkChunksMigration). The pieces are sorted into the table's key
-- order, which appends to its b-tree instead of writing all over it
-- (4 s unsorted).
INSERT INTO genome_chunks (chunk, profile_id, calls)
WITH RECURSIVE chunks (chunk) AS (
    SELECT 0
    UNION ALL
    SELECT chunk + 1 FROM chunks
    WHERE chunk < (SELECT (max(length(calls)) - 1) / 512 FROM genomes)
)
SELECT c.chunk, g.profile_id, substr(g.calls, c.chunk * 512 + 1, 512)
FROM genomes AS g CROSS JOIN chunks AS c
WHERE c.chunk * 512 < length(g.calls)
ORDER BY c.chunk, g.profile_id;

-- +goose Down
DROP TABLE genome_chunks;
