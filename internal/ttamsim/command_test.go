package ttamsim

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestCommandHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := Command(context.Background(), []string{"--help"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("--help: %v", err)
	}
	help := stdout.String()
	if stderr.Len() != 0 {
		t.Errorf("--help wrote to stderr too:\n%s", stderr.String())
	}
	if strings.Count(help, "Usage:") != 1 {
		t.Errorf("--help printed the usage %d times", strings.Count(help, "Usage:"))
	}
	// Every flag the command defines is in the help with its usage and
	// its environment variable.
	fs, _, err := newFlagSet(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	envRe := regexp.MustCompile(`\(env (SIM_[A-Z_]+)`)
	flags := 0
	fs.VisitAll(func(f *flag.Flag) {
		flags++
		env := envRe.FindStringSubmatch(f.Usage)
		switch {
		case !strings.Contains(help, "  -"+f.Name+" "), !strings.Contains(help, f.Usage):
			t.Errorf("--help lacks -%s and its usage %q", f.Name, f.Usage)
		case env == nil:
			t.Errorf("-%s names no environment variable: %q", f.Name, f.Usage)
		}
	})
	for _, want := range []string{
		"addr", "seed", "markers", "token-ttl", "client-id", "client-secret", "redirect-uri",
		"latency", "error-rate", "rate-limit-rate", "retry-after", "token-expiry",
	} {
		if fs.Lookup(want) == nil {
			t.Errorf("no -%s flag", want)
		}
	}
	if flags != 12 {
		t.Errorf("%d flags; a new one needs a line in this test and in Command's doc", flags)
	}
	if !strings.Contains(help, "127.0.0.1:9000") || !strings.Contains(help, "1200000") {
		t.Errorf("--help lacks the default address or the marker limit:\n%s", help)
	}
}

func TestCommandFlagsAndEnvironment(t *testing.T) {
	want := Config{Seed: 9, Markers: 5000, TokenTTL: time.Hour, Faults: Faults{
		Latency: 250 * time.Millisecond, ErrorRate: 0.1, RateLimitRate: 0.2, RetryAfter: 3 * time.Second, TokenExpiry: 90 * time.Second}}
	args := []string{"--seed", "9", "--markers", "5000", "--token-ttl", "1h", "--latency", "250ms", "--error-rate", "0.1",
		"--rate-limit-rate", "0.2", "--retry-after", "3s", "--token-expiry", "90s"}
	env := map[string]string{"SIM_SEED": "9", "SIM_MARKERS": "5000", "SIM_TOKEN_TTL": "1h", "SIM_LATENCY": "250ms",
		"SIM_ERROR_RATE": "0.1", "SIM_RATE_LIMIT_RATE": "0.2", "SIM_RETRY_AFTER": "3s", "SIM_TOKEN_EXPIRY": "90s"}
	for name, tt := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"flags":                {args, nil},
		"environment":          {nil, env},
		"flags over the other": {args, map[string]string{"SIM_SEED": "4", "SIM_LATENCY": "1h", "SIM_ERROR_RATE": "0.9"}},
	} {
		fs, c, err := newFlagSet(func(k string) string { return tt.env[k] })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := c.config()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("%s: config %+v, want %+v", name, got, want)
		}
	}
	// Off by default: no faults, the documented lifetime and key size.
	fs, c, _ := newFlagSet(func(string) string { return "" })
	fs.Parse(nil)
	got, err := c.config()
	if err != nil {
		t.Fatal(err)
	}
	if got.Faults != (Faults{RetryAfter: time.Second}) || got.TokenTTL != DefaultTokenTTL || got.Markers != 100_000 || got.Seed != DefaultSeed {
		t.Errorf("defaults %+v", got)
	}
}

func TestCommandClients(t *testing.T) {
	env := map[string]string{"SIM_CLIENT_ID": "a,b", "SIM_CLIENT_SECRET": "secret-a,secret-b",
		"SIM_REDIRECT_URI": "https://a.example.com/cb/,http://127.0.0.1/cb/"}
	uris := []string{"https://a.example.com/cb/", "http://127.0.0.1/cb/"}
	for name, tt := range map[string]struct {
		args []string
		want []Client
	}{
		"environment": {nil, []Client{{"a", "secret-a", uris}, {"b", "secret-b", uris}}},
		"flags replace the environment": {
			[]string{"--client-id", "c", "--client-secret", "secret-c", "--redirect-uri", "https://c.example.com/cb/"},
			[]Client{{"c", "secret-c", []string{"https://c.example.com/cb/"}}},
		},
		"flags replace one list": {
			[]string{"--client-id", "c", "--client-id", "d"},
			[]Client{{"c", "secret-a", uris}, {"d", "secret-b", uris}},
		},
	} {
		fs, c, err := newFlagSet(func(k string) string { return env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cfg, err := c.config()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fmt.Sprint(cfg.Clients) != fmt.Sprint(tt.want) {
			t.Errorf("%s: clients %v, want %v", name, cfg.Clients, tt.want)
		}
		cfg.Markers = testMarkers
		if _, err := New(cfg); err != nil {
			t.Errorf("%s: New: %v", name, err)
		}
	}
	// The help never shows a secret taken from the environment.
	var stdout bytes.Buffer
	if err := Command(context.Background(), []string{"--help"}, func(k string) string { return env[k] }, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stdout.String(), "secret-a") || !strings.Contains(stdout.String(), "a.example.com") {
		t.Errorf("--help with clients in the environment:\n%s", stdout.String())
	}
}

func TestCommandRejects(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	for name, tt := range map[string]struct {
		args []string
		env  map[string]string
	}{
		"unknown flag":       {[]string{"--nope"}, nil},
		"stray argument":     {[]string{"serve"}, nil},
		"unpaired client":    {[]string{"--client-id", "a", "--redirect-uri", "http://127.0.0.1/cb/"}, nil},
		"client without uri": {[]string{"--client-id", "a", "--client-secret", "b"}, nil},
		"bad env duration":   {nil, map[string]string{"SIM_TOKEN_TTL": "soon"}},
		"bad env number":     {nil, map[string]string{"SIM_MARKERS": "many"}},
		"too many markers":   {[]string{"--markers", "5000000"}, nil},
		"bad rates":          {[]string{"--error-rate", "2"}, nil},
	} {
		err := Command(context.Background(), tt.args, env(tt.env), io.Discard, io.Discard)
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestCommandServes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	env := map[string]string{"SIM_MARKERS": "700", "SIM_ADDR": "127.0.0.1:0"}
	done := make(chan error, 1)
	go func() {
		done <- Command(ctx, []string{"--client-id", "app", "--client-secret", "app-secret-7f3k", "--redirect-uri", "https://app.example.com/cb/"},
			func(k string) string { return env[k] }, w, io.Discard)
		w.Close()
	}()
	// The banner ends with the accounts: read until the last profile of
	// the last account.
	accounts := newSim(t, Config{Markers: 700}).Accounts()
	lastProfile := accounts[len(accounts)-1].Profiles[len(accounts[len(accounts)-1].Profiles)-1].ID
	lines := bufio.NewScanner(out)
	var banner []string
	for lines.Scan() {
		banner = append(banner, lines.Text())
		if strings.Contains(lines.Text(), lastProfile) {
			break
		}
	}
	go io.Copy(io.Discard, out)
	text := strings.Join(banner, "\n")
	base := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(text)
	if base == "" || !strings.Contains(text, "700 markers") || !strings.Contains(text, DemoClient().Secret) || !strings.Contains(text, "Client app") {
		t.Fatalf("banner:\n%s", text)
	}
	for _, a := range accounts {
		if !strings.Contains(text, a.ID) || !strings.Contains(text, a.Email) {
			t.Errorf("banner lacks account %s <%s>", a.ID, a.Email)
		}
		for _, p := range a.Profiles {
			if !strings.Contains(text, p.ID) {
				t.Errorf("banner lacks profile %s", p.ID)
			}
		}
	}
	if strings.Contains(text, "app-secret-7f3k") {
		t.Errorf("banner shows a registered client's secret:\n%s", text)
	}
	resp, err := http.Get(base + "/3/accession/NC_000004.11/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("served %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}
