// Command phenolink is the Phenolink web app and its command line: serve
// (the default), migrate, check, sim and version. Run `phenolink --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGTERM is how Heroku (and most supervisors) ask a process to stop;
	// cancelling the context starts a graceful shutdown.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "phenolink:", err)
	}
	os.Exit(exitCode(err))
}
