-- A marker-major copy of every record for the per-SNP results page.
--
-- The page reads a few index positions of every record. From genomes.calls
-- each position costs a TOAST chunk fetch per record (an index probe and a
-- page): about 40 ms for one marker over 10,000 records and 126 ms for
-- five, where the page's target is 50 ms in all. genome_chunks holds the
-- same calls cut into pieces of 1,024 index positions (chunk k holds
-- positions k*1024 to k*1024+1023; a record's last piece may be shorter),
-- and genome_chunks_column keeps each piece in the index leaf itself, in
-- order of (chunk, profile id in byte order). Reading a marker of every
-- record is then one range of one index, read from the index alone: about
-- 4.5 ms for 10,000 records, warm, against 40. Pieces of 1,024 bytes keep
-- seven index entries to a leaf page and a full genome at some 600 rows.
--
-- The price is space and write time: the calls are stored three times
-- (genomes.calls, this table, its covering index) and an import writes
-- some 600 more rows. Scans, exports and a participant's own pages keep
-- reading genomes.calls, whole records being what they need.
--
-- Up cuts the records already stored: 100,000 pieces took 1.6 s here
-- (rows and index), so a store of 10,000 full genomes (about 6 million
-- pieces) needs a few minutes of the release phase and 12 GB more disk.
--
-- A trigger on genomes cuts the pieces of every record written, in the
-- writing transaction, whatever writes it: during a deploy the previous
-- release's processes go on importing while this migration runs and
-- after, and they know nothing of the pieces. The genomes change counter
-- (migration 00008), which the same write moves, covers them; deleting
-- the record deletes them.

-- +goose Up
CREATE TABLE genome_chunks (
    profile_id text NOT NULL REFERENCES genomes (profile_id) ON DELETE CASCADE,
    chunk      integer NOT NULL CHECK (chunk >= 0),
    calls      bytea NOT NULL CHECK (length(calls) BETWEEN 1 AND 1024),
    PRIMARY KEY (profile_id, chunk)
);

-- Kept in the row as they are: a piece is small, and compressing calls
-- gains little.
ALTER TABLE genome_chunks ALTER COLUMN calls SET STORAGE PLAIN;

-- Index-only scans skip the table only for pages the visibility map marks
-- all-visible, which vacuum does. By default autovacuum visits a table
-- that only grows once it has grown by a fifth, so the pieces of the last
-- fifth of all uploads would each cost a visit to the table; here it
-- visits once some 10,000 pieces (about 17 full genomes) have arrived.
ALTER TABLE genome_chunks SET (autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000);

-- +goose StatementBegin
CREATE FUNCTION cut_genome_chunks() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    record bytea := NEW.calls; -- read from TOAST once, not once a piece
BEGIN
    DELETE FROM genome_chunks WHERE profile_id = NEW.profile_id;
    INSERT INTO genome_chunks (profile_id, chunk, calls)
    SELECT NEW.profile_id, c, substring(record FROM c * 1024 + 1 FOR 1024)
    FROM generate_series(0, (length(record) - 1) / 1024) AS c
    WHERE length(record) > 0;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- Created before the fill: it locks genomes against writers until this
-- migration commits, so every record is either in the fill's snapshot or
-- written later through the trigger.
CREATE TRIGGER genomes_chunks AFTER INSERT OR UPDATE OF calls ON genomes
    FOR EACH ROW EXECUTE FUNCTION cut_genome_chunks();

-- Cutting a large store's records takes minutes, past the connection's
-- statement_timeout (30 s by default): this migration's transaction
-- lifts it.
SET LOCAL statement_timeout = 0;

INSERT INTO genome_chunks (profile_id, chunk, calls)
SELECT g.profile_id, c, substring(g.calls FROM c * 1024 + 1 FOR 1024)
FROM genomes g, generate_series(0, (length(g.calls) - 1) / 1024) AS c
WHERE length(g.calls) > 0;

-- Built after the fill: one sort instead of an insertion per piece.
CREATE INDEX genome_chunks_column ON genome_chunks (chunk, profile_id COLLATE "C") INCLUDE (calls);

-- +goose Down
DROP TRIGGER genomes_chunks ON genomes;
DROP FUNCTION cut_genome_chunks();
DROP TABLE genome_chunks;
