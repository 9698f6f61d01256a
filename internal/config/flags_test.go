package config

import (
	"bytes"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestFlagsOverrideEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(*Config) bool
	}{
		{"flag beats env", []string{"--shutdown-timeout", "3s"}, map[string]string{"SHUTDOWN_TIMEOUT": "20s"}, func(c *Config) bool { return c.Server.ShutdownTimeout == 3*time.Second }},
		{"env without flag", nil, map[string]string{"SHUTDOWN_TIMEOUT": "20s"}, func(c *Config) bool { return c.Server.ShutdownTimeout == 20*time.Second }},
		{"addr flag beats PORT", []string{"--addr", "127.0.0.1:0"}, map[string]string{"PORT": "5000"}, func(c *Config) bool { return c.Addr == "127.0.0.1:0" }},
		{"bytes flag", []string{"--max-body-bytes=2MiB"}, nil, func(c *Config) bool { return c.Server.MaxBodyBytes == 2<<20 }},
		{"concurrency flag", []string{"-max-concurrent-requests", "8"}, nil, func(c *Config) bool { return c.Server.MaxConcurrentRequests == 8 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			loadConfig := Flags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(env(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("args %q env %v: got %+v", tt.args, tt.env, *c)
			}
		})
	}
}

func TestFlagsRejectBadValues(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	Flags(fs)
	if err := fs.Parse([]string{"--read-timeout", "soon"}); err == nil {
		t.Fatal("--read-timeout soon parsed without error")
	}
	if !strings.Contains(out.String(), "not a duration") {
		t.Errorf("flag error output %q does not say what is wrong", out.String())
	}
}

func TestHelpListsEveryOption(t *testing.T) {
	t.Parallel()
	var help, md bytes.Buffer
	if err := WriteHelp(&help); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, o := range Options() {
		if o.Description == "" {
			t.Errorf("option %s has no description", o.Name)
		}
		for _, name := range append([]string{o.Name}, o.Aliases...) {
			if !strings.Contains(help.String(), name) || !strings.Contains(md.String(), "`"+name+"`") {
				t.Errorf("%s missing from the help or the Markdown listing", name)
			}
		}
	}
}
