-- A scan's results are tens of megabytes of packed binary (about 70 bytes
-- a marker) that pglz cannot shrink: storing them with the default
-- EXTENDED storage spent about 0.65 s of a 600,000-marker scan's
-- completion trying to compress them (an insert of 42 MB took 755 ms,
-- against 101 ms stored as they are). Results already stored keep their
-- form; this changes how new ones are written.

-- +goose Up
ALTER TABLE scan_results ALTER COLUMN results SET STORAGE EXTERNAL;

-- +goose Down
ALTER TABLE scan_results ALTER COLUMN results SET STORAGE EXTENDED;
