package pipeline

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCompileBundlesImports(t *testing.T) {
	fsys := fstest.MapFS{
		"app.css":         {Data: []byte(`@import "./parts/base.css"; .b { color: red; }`)},
		"parts/base.css":  {Data: []byte(`.a { user-select: none; }`)},
		"app.js":          {Data: []byte(`import { greet } from "./lib/greet.js"; greet();`)},
		"lib/greet.js":    {Data: []byte(`import { name } from "../name.js"; export function greet() { console.log("hi " + name); }`)},
		"name.js":         {Data: []byte(`export const name = "there";`)},
		"unused/other.js": {Data: []byte(`this is not javascript`)},
	}
	out, err := Compile(fsys)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	css, js := string(out.Files["app.css"]), string(out.Files["app.js"])
	for _, want := range []string{".a{-webkit-user-select:none;user-select:none}", ".b{color:red}"} {
		if !strings.Contains(css, want) {
			t.Errorf("app.css = %q, want it to contain %q", css, want)
		}
	}
	if !strings.Contains(js, `"there"`) || !strings.Contains(js, `console.log("hi "+`) || strings.Contains(js, "import") {
		t.Errorf("app.js = %q, want the imported modules inlined", js)
	}
}

func TestCompileErrors(t *testing.T) {
	okCSS := &fstest.MapFile{Data: []byte(`.a { color: red; }`)}
	okJS := &fstest.MapFile{Data: []byte(`console.log(1);`)}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		wantErr string
	}{
		{"bare import", fstest.MapFS{"app.css": okCSS, "app.js": {Data: []byte(`import "left-pad";`)}}, "only relative imports"},
		{"import outside the tree", fstest.MapFS{"app.css": {Data: []byte(`@import "../../etc/passwd.css";`)}, "app.js": okJS}, "outside the source directory"},
		{"URL import", fstest.MapFS{"app.css": {Data: []byte(`@import "https://example.com/x.css";`)}, "app.js": okJS}, "only relative imports"},
		{"missing file", fstest.MapFS{"app.css": okCSS, "app.js": {Data: []byte(`import "./nope.js";`)}}, "nope.js"},
		{"missing entry point", fstest.MapFS{"app.js": okJS}, "app.css"},
		{"unsupported type", fstest.MapFS{"app.css": okCSS, "app.js": {Data: []byte(`import "./logo.png";`)}}, "unsupported file type"},
		{"syntax error names the place", fstest.MapFS{"app.css": okCSS, "app.js": {Data: []byte("let a = 1;\nfunction (\n")}}, "app.js:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compile: err = %v, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}
