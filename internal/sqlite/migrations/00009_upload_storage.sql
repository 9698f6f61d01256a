-- A large job payload (a staged genome, about 7.6 MB for 960,000
-- markers) in parts of under a megabyte instead of one value of
-- jobs.payload, which then holds x''.
--
-- SQLite's engine copies a bound value and again the record it builds from
-- it, and reads one back whole into the row it returns, in memory of its
-- own that the Go collector cannot see or bound; with its allocator keeping
-- a freed region of each size for reuse, one 8 MB value cost an upload
-- about 15 MB at its peak on top of the Go heap, 7 MB of it for good.
-- Parts keep each of those copies under a megabyte. Payloads queued before
-- this migration stay in jobs.payload and are read from there.

-- +goose Up
CREATE TABLE job_payload_parts (
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    part   INTEGER NOT NULL CHECK (part >= 0),
    bytes  BLOB NOT NULL,
    PRIMARY KEY (job_id, part)
) STRICT;

-- A job that ends, done or failed for good, drops its parts, whichever
-- statement ends it. A retry (back to queued) keeps them.
-- +goose StatementBegin
CREATE TRIGGER jobs_drop_payload_parts AFTER UPDATE OF state ON jobs
WHEN NEW.state IN ('done', 'failed') BEGIN
    DELETE FROM job_payload_parts WHERE job_id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER jobs_drop_payload_parts;
-- SQLite has no byte-exact aggregate to put parts back together, so the
-- jobs whose payload is in parts end with a message saying what to do,
-- instead of running later with an empty payload under the older schema.
UPDATE jobs SET state = 'failed', payload = x'', locked_until = NULL,
    message = 'The upload was lost when the database went back to an older version; upload the file again.'
WHERE id IN (SELECT job_id FROM job_payload_parts) AND state IN ('queued', 'running');
DROP TABLE job_payload_parts;
