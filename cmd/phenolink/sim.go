package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"phenolink/internal/ttamsim"
)

// runSim serves the 23andMe API simulator on its own; its flags and
// environment are the simulator's.
func runSim(ctx context.Context, e env, args []string) error {
	return ttamsim.Command(ctx, args, e.getenv, e.stdout, e.stderr)
}

// simulator is the 23andMe API simulator running in the app's process, on
// its own loopback port, standing in for the real API when no client is
// configured.
type simulator struct {
	url, clientID, clientSecret string
	srv                         *http.Server
	served                      chan error
	handler                     *pendingHandler
}

// startSimulator listens on a free loopback port and serves the simulator
// there with its demo client. Building the simulator's synthetic data takes
// longer than the rest of start-up, so it happens in the background:
// requests that arrive first wait for it, and the app itself is served at
// once.
func startSimulator(log *slog.Logger) (*simulator, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on a loopback port: %w", err)
	}
	demo := ttamsim.DemoClient()
	log = log.With("component", "ttamsim")
	h := &pendingHandler{ready: make(chan struct{}), log: log}
	go func() {
		sim, err := ttamsim.New(ttamsim.Config{Logger: log})
		if err != nil {
			log.Error("building the 23andMe simulator", "err", err)
		}
		h.sim, h.err = sim, err
		close(h.ready)
	}()
	s := &simulator{
		url:          "http://" + ln.Addr().String(),
		clientID:     demo.ID,
		clientSecret: demo.Secret,
		srv:          &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second},
		served:       make(chan error, 1),
		handler:      h,
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	return s, nil
}

// close stops the simulator. The app has drained its own requests by then,
// so the simulator's in-flight ones (a browser on its consent page) get a
// short grace period only.
func (s *simulator) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if served := <-s.served; !errors.Is(served, http.ErrServerClosed) {
		err = errors.Join(err, served)
	}
	// Wait for the background build, so nothing outlives serve.
	<-s.handler.ready
	if err != nil {
		return fmt.Errorf("stopping the 23andMe simulator: %w", err)
	}
	return nil
}

// pendingHandler serves the simulator once it is built; sim and err are
// written once, before ready is closed.
type pendingHandler struct {
	ready chan struct{}
	sim   *ttamsim.Server
	err   error
	log   *slog.Logger
}

func (h *pendingHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	select {
	case <-h.ready:
	case <-r.Context().Done():
		return
	}
	if h.err != nil {
		http.Error(w, "The 23andMe simulator failed to start; see the server log.", http.StatusServiceUnavailable)
		return
	}
	h.sim.ServeHTTP(w, r)
}

// accounts returns the simulator's accounts once it is built.
func (s *simulator) accounts(ctx context.Context) ([]ttamsim.Account, error) {
	select {
	case <-s.handler.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.handler.err != nil {
		return nil, s.handler.err
	}
	return s.handler.sim.Accounts(), nil
}
