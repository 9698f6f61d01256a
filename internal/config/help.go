package config

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteHelp writes the environment variables, their defaults and what they
// do, for the command line's --help.
func WriteHelp(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, o := range options() {
		name := o.Name
		if len(o.Aliases) > 0 {
			name += " (" + strings.Join(o.Aliases, ", ") + ")"
		}
		def := o.Default
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", name, def, o.Description)
	}
	return tw.Flush()
}

// WriteMarkdown writes the option table as a Markdown table for the
// production documentation.
func WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| variable | type | default | secret | description |\n|---|---|---|---|---|\n")
	for _, o := range options() {
		name := "`" + o.Name + "`"
		for _, a := range o.Aliases {
			name += " (alias `" + a + "`)"
		}
		if o.Flag {
			name += " (flag `--" + o.FlagName() + "`)"
		}
		def := ""
		if o.Default != "" {
			def = "`" + o.Default + "`"
		}
		secret := ""
		if o.Secret {
			secret = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", name, strings.ReplaceAll(o.Type, "|", `\|`), def, secret, o.Description)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
