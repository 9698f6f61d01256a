package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"

	"phenolink/internal/config"
)

// errUsage marks a command line that could not be understood; main exits
// with status 2 for it, as flag-based tools do.
var errUsage = errors.New("usage error")

// env is what every command receives: the process's surroundings, injected
// so tests can run commands in parallel without touching the real ones.
type env struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	hooks  hooks
}

// hooks let tests observe and extend serve without test code in the
// production paths; run leaves them all nil.
type hooks struct {
	// listening is called with the app's URL once it accepts connections.
	listening func(url string)
	// wrapHandler wraps the app's handler, for example to add a slow
	// route that exercises graceful shutdown.
	wrapHandler func(http.Handler) http.Handler
}

// command is one subcommand. Adding one is one entry in commands.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

// commands lists the subcommands in the order the help shows them.
func commands() []command {
	return []command{
		{"serve", "serve the web app (the default command)", runServe},
		{"migrate", "apply database migrations (Heroku's release phase runs this)", runMigrate},
		{"check", "validate the configuration; --deploy runs the production checklist", runCheck},
		{"sim", "run the 23andMe API simulator on its own", runSim},
		{"gen", "write a synthetic cohort of raw-data files with planted associations", runGen},
		{"grant", "give an account a role: grant researcher ACCOUNT_ID", runGrant},
		{"revoke", "take a role back: revoke researcher ACCOUNT_ID", runRevoke},
		{"export", "write the consenting cohort as a PLINK fileset, recorded in the audit log", runExport},
		{"version", "print the version and VCS revision", runVersion},
	}
}

// run is the whole program: main only adds the real environment and
// signal handling.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return runWith(ctx, args, env{getenv: getenv, stdout: stdout, stderr: stderr})
}

// runWith dispatches args to a subcommand; with no subcommand (or only
// flags) it serves.
func runWith(ctx context.Context, args []string, e env) error {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && isHelp(args[0]) {
		return writeUsage(e.stdout)
	}
	if name == "help" {
		return writeUsage(e.stdout)
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, e, args)
		}
	}
	writeUsage(e.stderr)
	return fmt.Errorf("unknown command %q: %w", name, errUsage)
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// writeUsage prints the commands and every environment variable.
func writeUsage(w io.Writer) error {
	fmt.Fprint(w, "Phenolink links 23andMe genotypes with phenotypes for research.\n\nUsage: phenolink [command] [flags]\n\nCommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, "\nRun 'phenolink <command> --help' for a command's flags.\n\n")
	return writeEnvHelp(w)
}

// writeEnvHelp prints the environment variables, generated from the
// configuration's option table.
func writeEnvHelp(w io.Writer) error {
	fmt.Fprint(w, "Environment (variable, default, meaning):\n")
	return config.WriteHelp(w)
}

// newFlagSet returns a flag set whose errors and help go to the command's
// output instead of exiting the process.
func newFlagSet(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: phenolink %s\n\n", synopsis)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "Flags:\n")
			fs.PrintDefaults()
			fmt.Fprintln(w)
		}
		writeEnvHelp(w)
	}
	return fs
}

// parseFlags parses args, printing the help to stdout for --help, which is
// then not an error.
func parseFlags(fs *flag.FlagSet, e env, args []string) (helped bool, err error) {
	for _, a := range args {
		if isHelp(a) {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return true, nil
		}
		if a == "--" {
			break
		}
	}
	if err := fs.Parse(args); err != nil {
		return false, fmt.Errorf("%s: %w: %w", fs.Name(), errUsage, err)
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("%s: unexpected argument %q: %w", fs.Name(), fs.Arg(0), errUsage)
	}
	return false, nil
}
