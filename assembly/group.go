package assembly

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"guichet/web"
)

// Group holds the long-running parts of a process, run together and
// stopped together: the first to fail stops the others.
type Group struct {
	g   *errgroup.Group
	ctx context.Context
}

// NewGroup returns a group whose parts run until ctx ends.
func NewGroup(ctx context.Context) *Group {
	g, gctx := errgroup.WithContext(ctx)
	return &Group{g: g, ctx: gctx}
}

// Loop runs fn until the group's context ends; a context error is a clean
// stop.
func (s *Group) Loop(fn func(context.Context) error) {
	s.g.Go(func() error {
		if err := fn(s.ctx); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	})
}

// ServeWeb runs the web app on addr, and the purge of expired sessions,
// until the group's context ends, then shuts the app down gracefully
// within grace.
func (s *Group) ServeWeb(srv *web.Server, addr string, grace time.Duration, logger *slog.Logger) {
	s.Loop(func(ctx context.Context) error {
		srv.PurgeSessions(ctx, sessionPurgeEvery)
		return nil
	})
	s.g.Go(func() error {
		errc := make(chan error, 1)
		go func() { errc <- srv.Listen(addr) }()
		select {
		case err := <-errc:
			return fmt.Errorf("web: listen on %s: %w", addr, err)
		case <-s.ctx.Done():
		}
		logger.Info("arrêt du serveur web")
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		return srv.Shutdown(ctx)
	})
}

// ServeOps serves /healthz, /readyz (ready answers) and /metrics (reg) on
// addr, for a worker process.
func (s *Group) ServeOps(addr string, reg *prometheus.Registry, ready func(context.Context) error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	s.g.Go(func() error {
		errc := make(chan error, 1)
		go func() { errc <- srv.ListenAndServe() }()
		select {
		case err := <-errc:
			return fmt.Errorf("ops: listen on %s: %w", addr, err)
		case <-s.ctx.Done():
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(ctx)
	})
}

// Wait waits for every part to stop and returns the first failure.
func (s *Group) Wait() error { return s.g.Wait() }
