package main

import (
	"io"
	"log/slog"

	"phenolink/internal/config"
)

// newLogger returns the process's logger: JSON lines in production, where
// the platform's log drain parses them, and text for people elsewhere.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
