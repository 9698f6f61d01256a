package config

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const (
	readmePath  = "../../README.md"
	commandsDir = "../../cmd/phenolink"
)

// TestReadmeListingMatchesTable keeps the README's variable table identical
// to what WriteMarkdown produces, as docs/production.md's is; -update
// rewrites both.
func TestReadmeListingMatchesTable(t *testing.T) {
	doc, err := os.ReadFile(filepath.FromSlash(readmePath))
	if err != nil {
		t.Fatal(err)
	}
	begin := bytes.Index(doc, []byte(listingBegin))
	end := bytes.Index(doc, []byte(listingEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the generated option listing markers", readmePath)
	}
	var want bytes.Buffer
	if err := WriteMarkdown(&want); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(doc[begin+len(listingBegin):end], want.Bytes()) {
		return
	}
	if *update {
		out := slices.Concat(doc[:begin+len(listingBegin)], want.Bytes(), doc[end:])
		if err := os.WriteFile(filepath.FromSlash(readmePath), out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's option listing is out of date: run go test ./internal/config -update", readmePath)
}

// TestReadmeMentionsEveryOption fails when the README does not name an
// environment variable of the option table, or one of its aliases, as a
// whole word.
func TestReadmeMentionsEveryOption(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.FromSlash(readmePath))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Options() {
		for _, name := range append([]string{o.Name}, o.Aliases...) {
			if !regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`).Match(doc) {
				t.Errorf("%s does not mention %s", readmePath, name)
			}
		}
	}
}

// TestReadmeNamesEveryCommand fails when the README does not show
// `phenolink NAME` for a subcommand of cmd/phenolink. The names are read
// from the source of its commands() table, which the help lists, since a
// test here cannot import a main package.
func TestReadmeNamesEveryCommand(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.FromSlash(readmePath))
	if err != nil {
		t.Fatal(err)
	}
	names, err := commandNames(filepath.FromSlash(commandsDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatalf("found no commands() table in %s", commandsDir)
	}
	for _, name := range names {
		if !regexp.MustCompile(`phenolink ` + regexp.QuoteMeta(name) + `\b`).Match(doc) {
			t.Errorf("%s does not show `phenolink %s`", readmePath, name)
		}
	}
}

// commandName returns an entry's name field, given by key or as its first
// element.
func commandName(entry *ast.CompositeLit) (string, bool) {
	name := entry.Elts[0]
	for _, e := range entry.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "name" {
				name = kv.Value
			}
		}
	}
	lit, ok := name.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// commandNames returns the name of each entry of the composite literal
// returned by the function commands in dir's non-test files.
func commandNames(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var names []string
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != "commands" || fn.Recv != nil || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				table, ok := ret.Results[0].(*ast.CompositeLit)
				if !ok {
					return true
				}
				for _, e := range table.Elts {
					entry, ok := e.(*ast.CompositeLit)
					if !ok || len(entry.Elts) == 0 {
						continue
					}
					if name, ok := commandName(entry); ok {
						names = append(names, name)
					}
				}
				return false
			})
		}
	}
	return names, nil
}
