package ttamsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// listFlag is a repeatable string flag whose default comes from the
// environment. Giving the flag replaces that default rather than adding
// to it, as the other flags do; a secret list never shows its default.
type listFlag struct {
	values    []string
	fromFlags bool
	secret    bool
}

func (l *listFlag) String() string {
	if l == nil || l.secret {
		return ""
	}
	return strings.Join(l.values, ",")
}

func (l *listFlag) Set(v string) error {
	if !l.fromFlags {
		l.values, l.fromFlags = nil, true
	}
	l.values = append(l.values, v)
	return nil
}

// commandFlags declares each flag once, with the env var that sets its
// default, so --help and the environment cannot drift apart.
type commandFlags struct {
	addr                     string
	seedPtr, markersPtr      *int64
	tokenTTL                 time.Duration
	clientIDs, secrets, uris listFlag
	faults                   Faults
}

func (c *commandFlags) define(fs *flag.FlagSet, getenv func(string) string) error {
	var errs []error
	env := func(name, fallback string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return fallback
	}
	str := func(p *string, name, envName, def, usage string) {
		fs.StringVar(p, name, env(envName, def), usage+" (env "+envName+")")
	}
	dur := func(p *time.Duration, name, envName string, def time.Duration, usage string) {
		d := def
		if v := getenv(envName); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName, v, err))
			}
			d = parsed
		}
		fs.DurationVar(p, name, d, usage+" (env "+envName+")")
	}
	num := func(p *float64, name, envName string, usage string) {
		d := 0.0
		if v := getenv(envName); v != "" {
			parsed, err := strconv.ParseFloat(v, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName, v, err))
			}
			d = parsed
		}
		fs.Float64Var(p, name, d, usage+" (env "+envName+")")
	}
	integer := func(name, envName string, def int64, usage string) *int64 {
		d := def
		if v := getenv(envName); v != "" {
			parsed, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", envName, v, err))
			}
			d = parsed
		}
		return fs.Int64(name, d, usage+" (env "+envName+")")
	}
	list := func(p *listFlag, name, envName, usage string) {
		p.values = strings.Fields(strings.ReplaceAll(getenv(envName), ",", " "))
		fs.Var(p, name, usage+"; repeatable (env "+envName+", comma separated)")
	}
	c.secrets.secret = true
	str(&c.addr, "addr", "SIM_ADDR", "127.0.0.1:9000", "address to listen on")
	seed := integer("seed", "SIM_SEED", DefaultSeed, "seed of every synthetic account, marker and genotype")
	markers := integer("markers", "SIM_MARKERS", 100_000, fmt.Sprintf("marker key size, 1 to %d", MaxMarkers))
	dur(&c.tokenTTL, "token-ttl", "SIM_TOKEN_TTL", DefaultTokenTTL, "access token lifetime, sent as expires_in")
	list(&c.clientIDs, "client-id", "SIM_CLIENT_ID", "register a client with this id, paired in order with --client-secret")
	list(&c.secrets, "client-secret", "SIM_CLIENT_SECRET", "the secret of the client named by the --client-id in the same position")
	list(&c.uris, "redirect-uri", "SIM_REDIRECT_URI", "a redirect URI for every client given with --client-id (loopback hosts accept any port)")
	dur(&c.faults.Latency, "latency", "SIM_LATENCY", 0, "delay added to every API response")
	num(&c.faults.ErrorRate, "error-rate", "SIM_ERROR_RATE", "fraction of API requests answered 500")
	num(&c.faults.RateLimitRate, "rate-limit-rate", "SIM_RATE_LIMIT_RATE", "fraction of API requests answered 429")
	dur(&c.faults.RetryAfter, "retry-after", "SIM_RETRY_AFTER", time.Second, "Retry-After sent with 429, whole seconds")
	dur(&c.faults.TokenExpiry, "token-expiry", "SIM_TOKEN_EXPIRY", 0, "if set, access tokens stop working after this, whatever expires_in says")
	c.seedPtr, c.markersPtr = seed, markers
	return errors.Join(errs...)
}

// Command runs `phenolink sim`: it prints the demo client's credentials and
// the accounts, serves the simulator on --addr until ctx is cancelled, then
// shuts down gracefully. Every flag has an environment variable that sets
// its default: SIM_ADDR, SIM_SEED, SIM_MARKERS, SIM_TOKEN_TTL,
// SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_REDIRECT_URI (comma separated
// lists), SIM_LATENCY, SIM_ERROR_RATE, SIM_RATE_LIMIT_RATE, SIM_RETRY_AFTER
// and SIM_TOKEN_EXPIRY; --help lists them with the flags.
func Command(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, envErr := newFlagSet(getenv)
	// Parse quietly, since the flag package would print the usage itself:
	// --help goes to stdout once, a mistake's usage to stderr.
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil
		}
		fs.SetOutput(stderr)
		fs.Usage()
		return fmt.Errorf("sim: %w", err)
	}
	if envErr != nil {
		return fmt.Errorf("sim: environment: %w", envErr)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("sim: unexpected arguments %q", fs.Args())
	}
	cfg, err := c.config()
	if err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	sim, err := New(cfg)
	if err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("sim: listen on %s: %w", c.addr, err)
	}
	printBanner(stdout, "http://"+ln.Addr().String(), sim, cfg.Clients)
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("sim: serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("sim: shutdown: %w", err)
	}
	return nil
}

// newFlagSet declares the command's flags, with defaults from getenv, and
// its usage text; the error reports environment values that do not parse.
func newFlagSet(getenv func(string) string) (*flag.FlagSet, *commandFlags, error) {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	c := &commandFlags{}
	envErr := c.define(fs, getenv)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: phenolink sim [flags]\n\n"+
			"Serves a simulator of the 23andMe API (OAuth, API v1 and v3, /res/txt/snps.data)\n"+
			"over synthetic accounts and genotypes, for development and tests.\n"+
			"Every flag may also be set by the environment variable named after it.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs, c, envErr
}

// config turns the flags into a Config.
func (c *commandFlags) config() (Config, error) {
	cfg := Config{Seed: *c.seedPtr, Markers: int(*c.markersPtr), TokenTTL: c.tokenTTL, Faults: c.faults}
	ids, secrets, uris := c.clientIDs.values, c.secrets.values, c.uris.values
	if len(ids) != len(secrets) {
		return cfg, fmt.Errorf("sim: %d --client-id but %d --client-secret: give them in pairs", len(ids), len(secrets))
	}
	if len(ids) > 0 && len(uris) == 0 {
		return cfg, fmt.Errorf("sim: --client-id needs at least one --redirect-uri")
	}
	for i, id := range ids {
		cfg.Clients = append(cfg.Clients, Client{ID: id, Secret: secrets[i], RedirectURIs: uris})
	}
	if cfg.Seed == 0 {
		return cfg, fmt.Errorf("sim: --seed 0 is reserved for the default; use another")
	}
	return cfg, nil
}

// printBanner tells a newcomer how to reach the simulator and whom it serves.
func printBanner(w io.Writer, base string, sim *Server, clients []Client) {
	fmt.Fprintf(w, "23andMe API simulator at %s (synthetic data, %d markers)\n\n", base, len(sim.MarkerKey()))
	demo := DemoClient()
	fmt.Fprintf(w, "Demo client: API_CLIENT_ID=%s API_CLIENT_SECRET=%s\n", demo.ID, demo.Secret)
	fmt.Fprintf(w, "  redirect URIs (any port): %s\n", strings.Join(demo.RedirectURIs, " "))
	for _, c := range clients {
		fmt.Fprintf(w, "Client %s, redirect URIs: %s\n", c.ID, strings.Join(c.RedirectURIs, " "))
	}
	fmt.Fprintf(w, "Bearer token %s reads account %s.\n\nAccounts:\n", DemoToken, DemoAccountID)
	for _, a := range sim.Accounts() {
		fmt.Fprintf(w, "  %s  %s %s <%s>\n", a.ID, a.FirstName, a.LastName, a.Email)
		for _, p := range a.Profiles {
			state := "not genotyped"
			if p.Genotyped {
				state = fmt.Sprintf("%s, chip %s", p.Sex, p.Chip)
			}
			fmt.Fprintf(w, "    profile %s  %s %s (%s)\n", p.ID, p.FirstName, p.LastName, state)
		}
	}
}
