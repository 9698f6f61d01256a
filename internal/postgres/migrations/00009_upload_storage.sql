-- A large job payload (a staged genome, about 7.6 MB for 960,000
-- markers) in parts of under a megabyte instead of one value of
-- jobs.payload, which then holds ''. The
-- driver builds a whole parameter or row in one buffer and keeps the
-- buffer with the connection; parts keep those buffers under a megabyte.
-- Payloads queued before this migration stay in jobs.payload and are read
-- from there. Parts are stored as they are: the staged format is already
-- dense (varints, a byte a call), and compressing it only costs time.
--
-- The marker index's ids and positions are stored uncompressed too, like
-- genomes.calls: compressing 15 blocks of a first import of a million
-- markers was about half of that import's time (0.2 s of 0.4 s), and the
-- index is read whole by every process that loads it.

-- +goose Up
CREATE TABLE job_payload_parts (
    job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    part   integer NOT NULL CHECK (part >= 0),
    bytes  bytea NOT NULL,
    PRIMARY KEY (job_id, part)
);

ALTER TABLE job_payload_parts ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- A job that ends, done or failed for good, drops its parts, whichever
-- statement ends it; the job's row is locked first, so every path takes
-- the job, then its parts. A retry (back to queued) keeps them.
-- +goose StatementBegin
CREATE FUNCTION drop_payload_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM job_payload_parts WHERE job_id = NEW.id;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER jobs_drop_payload_parts AFTER UPDATE OF state ON jobs
    FOR EACH ROW WHEN (NEW.state IN ('done', 'failed')) EXECUTE FUNCTION drop_payload_parts();

ALTER TABLE marker_blocks
    ALTER COLUMN ids SET STORAGE EXTERNAL,
    ALTER COLUMN positions SET STORAGE EXTERNAL;

-- +goose Down
DROP TRIGGER jobs_drop_payload_parts ON jobs;
DROP FUNCTION drop_payload_parts();
-- Payloads still in parts go back whole into jobs.payload, so that queued
-- and retrying imports still run under the older schema.
UPDATE jobs SET payload = p.whole
FROM (SELECT job_id, string_agg(bytes, ''::bytea ORDER BY part) AS whole
      FROM job_payload_parts GROUP BY job_id) AS p
WHERE jobs.id = p.job_id;
ALTER TABLE marker_blocks
    ALTER COLUMN ids SET STORAGE EXTENDED,
    ALTER COLUMN positions SET STORAGE EXTENDED;
DROP TABLE job_payload_parts;
