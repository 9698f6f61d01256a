package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// runVersion prints the module version and the VCS revision the binary was
// built from, as the Go toolchain recorded them.
func runVersion(_ context.Context, e env, args []string) error {
	fs := newFlagSet(e, "version", "version")
	if helped, err := parseFlags(fs, e, args); helped || err != nil {
		return err
	}
	_, err := fmt.Fprintln(e.stdout, versionString())
	return err
}

// versionString describes the build: "phenolink (devel) go1.26.8 rev 1a2b3c4d5e6f (modified) 2026-11-28T07:00:00Z".
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "phenolink: no build information (built without module support)"
	}
	s := fmt.Sprintf("phenolink %s %s", info.Main.Version, info.GoVersion)
	settings := map[string]string{}
	for _, kv := range info.Settings {
		settings[kv.Key] = kv.Value
	}
	if rev := settings["vcs.revision"]; rev != "" {
		s += " rev " + rev[:min(12, len(rev))]
		if settings["vcs.modified"] == "true" {
			s += " (modified)"
		}
		if t := settings["vcs.time"]; t != "" {
			s += " " + t
		}
	}
	return s
}
