// Package rawfile reads the raw-data file 23andMe lets people download
// (see docs/23andme-api.md, "The raw-data download file"): '#' comment
// lines, one of which names the genome build, then tab-separated rows of
// rsid, chromosome, position and genotype.
//
// Parse reads the file as a stream and keeps nothing on disk. It accepts
// plain text, gzip and a zip holding one text file, recognised by their
// first bytes rather than by name. Gzip and text are decoded while they
// arrive; a zip is read into memory first, because its list of entries sits
// at its end, and only then decoded. Every input is bounded: the upload
// (compressed or not) to Options.MaxInputBytes, 64 MiB by default, the
// decoded text to Options.MaxTextBytes, 200 MiB by default, which stops zip
// and gzip bombs, and each line to MaxLineBytes. Crossing a size bound is an
// ETOOLARGE error; anything else wrong is EINVALID with a message that names
// the line and says what to do.
//
// Only build 37 files are accepted: build 36 positions differ and are never
// converted or guessed. A row repeated with the same chromosome, position
// and call is kept once; a marker id repeated with anything different is
// refused. Haploid calls (one letter), "--" no-calls, D/I indels and
// 23andMe's internal "i" ids are read as written.
package rawfile
