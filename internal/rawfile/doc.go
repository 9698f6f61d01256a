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
// A zip may also hold folders and the "__MACOSX/" and ".DS_Store" entries
// that macOS adds when zipping; they are ignored, and any other second file
// is refused. A zip inside a zip is refused as binary.
//
// Only build 37 files are accepted: build 36 positions differ and are never
// converted or guessed, and a file with no line naming its build is refused
// at its first row. Other vendors' files (AncestryDNA, FamilyTreeDNA,
// MyHeritage, VCF) and saved web pages are recognised and named in the
// message. A row repeated with the same chromosome, position and call is
// kept once and counted in Summary.Duplicates; a marker id repeated with
// anything different is refused, since either call could be the wrong one.
// Haploid calls (one letter), "--" no-calls, D/I indels, CRLF line ends and
// 23andMe's internal "i" ids are read as written; "__" is refused, as it
// belongs to the API, not the file.
//
// Parse costs one allocation per column rather than per row: marker ids are
// substrings of one string. Passing the upload's length as
// Options.SizeHint sizes the columns up front.
package rawfile
