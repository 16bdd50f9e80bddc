// Package bench measures Guichet against the bare parts it is built from
// (a Temporal workflow start, a bun insert), on one machine, in one run:
// ticket creation and whole lifecycles through the REST API, open tickets
// at rest, and reads at volume. RunStack is `guichet bench`: it assembles
// the stack (embedded Temporal, database, then worker and web app through
// package assembly), starts a `guichet worker` child process when the
// open-tickets section asks for one, calls Run and writes the report
// (WriteReport: BENCHMARKS.md and benchmarks.json). ReadRuns and Assemble
// put several runs into one Assembly, whose WriteDocument and WriteJSON
// write it. Generate writes the volume of `guichet generate`.
package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"

	"guichet/store"
)

// Env is the running stack the benchmark measures.
type Env struct {
	// BaseURL is the web app's base URL (loopback).
	BaseURL string
	// Temporal is a client of the Temporal server the worker uses.
	Temporal client.Client
	// DB is the application database (migrated, demo data loaded).
	DB *store.DB
	// Academy is the académie whose demo people file and handle tickets.
	Academy string
	// TemporalDBFile is the Temporal SQLite file ("" when Temporal persists
	// elsewhere).
	TemporalDBFile string
	// TemporalDBSize, when set, measures the Temporal databases instead of
	// TemporalDBFile (PostgreSQL: pg_database_size of both).
	TemporalDBSize func(ctx context.Context) (int64, error)
	// RestartWorker stops the ticket worker (and its process' background
	// loops), empties the SDK's workflow cache and starts a fresh worker.
	RestartWorker func(ctx context.Context) error
	// StartWorkerProcess, when set, runs the ticket worker as a separate
	// process for the open-tickets section (started ready to serve; its
	// Stop sends SIGTERM and waits): the section stops the bench process'
	// own worker with StopWorker, files the tickets with the child doing
	// all the work, measures the child's memory apart from the bench
	// process', restarts the child, and starts the own worker again with
	// StartWorker.
	StartWorkerProcess func(ctx context.Context) (WorkerProcess, error)
	StopWorker         func() error
	StartWorker        func() error
	// WorkflowCacheSize is the worker's worker.workflow_cache_size,
	// recorded in the report.
	WorkflowCacheSize int
	// Logf reports progress; nil discards it.
	Logf func(format string, args ...any)
}

// WorkerProcess is a `guichet worker` child process.
type WorkerProcess interface {
	// PID is the child's process ID (its VmRSS is read from /proc).
	PID() int
	// GoHeapBytes is the child's Go heap in use (from its /metrics), 0
	// when unknown.
	GoHeapBytes(ctx context.Context) int64
	// Stop sends SIGTERM and waits for the process to end.
	Stop() error
}

// Options choose what Run measures and how much.
type Options struct {
	// Concurrency levels, default 1, 8 and 32.
	Concurrency []int
	// N and Max bound each measured operation at each level.
	N   int
	Max time.Duration
	// Sections to run: creation, lifecycle, open, reads (empty: all).
	Sections []string
	// OpenTickets is the number of open tickets for the at-rest figure;
	// OpenMax bounds the time spent filing them.
	OpenTickets int
	OpenMax     time.Duration
	// ReadTickets is the number of tickets seeded for the reads figure.
	ReadTickets int
	// ReadArticles is the number of knowledge-base articles seeded with
	// them (the search covers both).
	ReadArticles int
	// Profile, when set, is called around the creation load with the name
	// of the phase ("creation") and returns a stop function.
	Profile func(name string) (stop func() error, err error)
}

// Defaults returns the default options (the embedded default's run).
func Defaults() Options {
	return Options{
		Concurrency: []int{1, 8, 32},
		N:           200,
		Max:         20 * time.Second,
		OpenTickets: 2000,
		OpenMax:     10 * time.Minute,
		ReadTickets: 20000,
		// The figure: 5,000 articles over the three académies.
		ReadArticles: 5000,
	}
}

// Sections lists the sections of a run, in order.
func Sections() []string { return []string{"creation", "lifecycle", "open", "reads"} }

func (o Options) wants(section string) bool {
	if len(o.Sections) == 0 {
		return true
	}
	for _, s := range o.Sections {
		if s == section {
			return true
		}
	}
	return false
}

// Run measures the stack in env and returns the report (without the
// machine, which the caller fills with Describe).
func Run(ctx context.Context, env Env, o Options) (*Report, error) {
	if env.Logf == nil {
		env.Logf = func(string, ...any) {}
	}
	if len(o.Concurrency) == 0 {
		o.Concurrency = Defaults().Concurrency
	}
	if o.N <= 0 {
		return nil, errors.New("bench: N must be positive")
	}
	p, err := prepare(ctx, env)
	if err != nil {
		return nil, err
	}
	r := &Report{Started: time.Now().UTC(), Limits: ReportLimits{N: o.N, MaxSeconds: o.Max.Seconds()}}
	b := &runner{env: env, o: o, p: p, r: r}
	defer b.stopBareWorker()
	steps := []struct {
		name string
		fn   func(context.Context) error
	}{{"creation", b.creation}, {"lifecycle", b.lifecycle}, {"open", b.openTickets}, {"reads", b.reads}}
	for _, s := range steps {
		if !o.wants(s.name) {
			continue
		}
		env.Logf("section %s", s.name)
		t0 := time.Now()
		if err := s.fn(ctx); err != nil {
			return r, fmt.Errorf("bench: %s: %w", s.name, err)
		}
		env.Logf("section %s done in %s", s.name, time.Since(t0).Round(time.Second))
	}
	r.Finished = time.Now().UTC()
	return r, nil
}

// people are the demo people and the category the benchmark uses.
type people struct {
	requester  *store.Person
	technician *store.Person
	categoryID int64
	category   string
	reqAPI     *apiClient
	techAPI    *apiClient
}

// prepare finds the demo requester, technician and a leaf category, and
// makes write tokens for both people.
func prepare(ctx context.Context, env Env) (*people, error) {
	req, err := env.DB.GetPersonByLogin(ctx, "agent."+env.Academy)
	if err != nil {
		return nil, fmt.Errorf("bench: demo requester: %w", err)
	}
	tech, err := env.DB.GetPersonByLogin(ctx, "tech."+env.Academy)
	if err != nil {
		return nil, fmt.Errorf("bench: demo technician: %w", err)
	}
	leaves, err := env.DB.Leaves(ctx, env.Academy)
	if err != nil {
		return nil, fmt.Errorf("bench: categories: %w", err)
	}
	if len(leaves) == 0 {
		return nil, fmt.Errorf("bench: académie %s has no category", env.Academy)
	}
	// Keep-alive connections, enough for the highest concurrency.
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute,
	}}
	p := &people{requester: req, technician: tech, categoryID: leaves[0].ID, category: leaves[0].Path}
	for _, x := range []struct {
		person *store.Person
		dst    **apiClient
	}{{req, &p.reqAPI}, {tech, &p.techAPI}} {
		tok, _, err := env.DB.CreateToken(ctx, store.NewToken{PersonID: x.person.ID, Name: "banc d'essai",
			Scope: store.ScopeWrite, TTL: 24 * time.Hour})
		if err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
		*x.dst = &apiClient{base: env.BaseURL, token: tok, http: hc}
	}
	return p, nil
}

// runner holds the state of one run.
type runner struct {
	env Env
	o   Options
	p   *people
	r   *Report
	// bareWorker runs workflows.BenchEmptyWorkflow (started on first use).
	bareWorker interface{ Stop() }
	runID      string
	// level is the concurrency being measured (part of generated IDs).
	level int
}

func (b *runner) limits() Limits { return Limits{N: b.o.N, Max: b.o.Max} }
