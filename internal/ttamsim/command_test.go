package ttamsim

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestCommandHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := Command(context.Background(), []string{"--help"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("--help: %v", err)
	}
	help := stdout.String()
	for _, want := range []string{
		"-addr", "SIM_ADDR", "127.0.0.1:9000", "-seed", "SIM_SEED", "-markers", "SIM_MARKERS", "-token-ttl", "SIM_TOKEN_TTL",
		"-client-id", "SIM_CLIENT_ID", "-client-secret", "SIM_CLIENT_SECRET", "-redirect-uri", "SIM_REDIRECT_URI",
		"-latency", "SIM_LATENCY", "-error-rate", "SIM_ERROR_RATE", "-rate-limit-rate", "SIM_RATE_LIMIT_RATE",
		"-retry-after", "SIM_RETRY_AFTER", "-token-expiry", "SIM_TOKEN_EXPIRY",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("--help lacks %q", want)
		}
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
		done <- Command(ctx, []string{"--client-id", "app", "--client-secret", "pw", "--redirect-uri", "https://app.example.com/cb/"},
			func(k string) string { return env[k] }, w, io.Discard)
		w.Close()
	}()
	lines := bufio.NewScanner(out)
	var banner []string
	for lines.Scan() {
		banner = append(banner, lines.Text())
		if strings.Contains(lines.Text(), "Accounts:") {
			break
		}
	}
	go io.Copy(io.Discard, out)
	text := strings.Join(banner, "\n")
	base := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(text)
	if base == "" || !strings.Contains(text, "700 markers") || !strings.Contains(text, DemoClient().Secret) || !strings.Contains(text, "Client app") {
		t.Fatalf("banner:\n%s", text)
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
