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
-- would overflow, and smaller pieces mean more rows to write per import for
-- fewer pages to read per position.
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

-- The records already stored, cut by halving rather than by one substr
-- per chunk: substr loads its whole argument, so cutting a 630,000-call
-- record into its 1,231 pieces directly would copy it 1,231 times, and
-- halving copies it about 11 times (once per level). The queue is taken
-- deepest piece first, so one record is cut at a time and the queue holds
-- the next record and a few pieces of the current one; the pieces are then
-- sorted into the table's key order, which appends to its b-tree instead
-- of writing all over it.
INSERT INTO genome_chunks (chunk, profile_id, calls)
WITH RECURSIVE pieces (depth, profile_id, first, calls) AS (
    SELECT 0, profile_id, 0, calls FROM genomes WHERE profile_id = (SELECT min(profile_id) FROM genomes)
    UNION ALL
    -- A piece longer than a chunk splits after the first half of its
    -- chunks, rounded up.
    SELECT p.depth + 1, p.profile_id,
        p.first + h.half * 512 * (((length(p.calls) + 511) / 512 + 1) / 2),
        CASE h.half
            WHEN 0 THEN substr(p.calls, 1, 512 * (((length(p.calls) + 511) / 512 + 1) / 2))
            ELSE substr(p.calls, 512 * (((length(p.calls) + 511) / 512 + 1) / 2) + 1)
        END
    FROM pieces AS p, (SELECT 0 AS half UNION ALL SELECT 1) AS h
    WHERE length(p.calls) > 512
    UNION ALL
    -- A whole record brings in the next one.
    SELECT 0, g.profile_id, 0, g.calls
    FROM pieces AS p, genomes AS g
    WHERE p.depth = 0 AND g.profile_id = (SELECT min(profile_id) FROM genomes WHERE profile_id > p.profile_id)
    ORDER BY 1 DESC
)
SELECT first / 512, profile_id, calls FROM pieces
WHERE length(calls) BETWEEN 1 AND 512
ORDER BY 1, 2;

-- +goose Down
DROP TABLE genome_chunks;
