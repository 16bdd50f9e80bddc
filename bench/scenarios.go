package bench

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"guichet/store"
)

// projectionTimeout bounds the wait for a ticket's projection.
const projectionTimeout = time.Minute

// createAndProject files a ticket through the API and waits until its
// first projection (the group the workflow routed it to) is visible. It
// records the POST's latency as "number".
func (b *runner) createAndProject(ctx context.Context, i int, phase func(string, time.Duration)) (string, error) {
	t0 := time.Now()
	t, err := b.p.reqAPI.createTicket(ctx, b.p.categoryID, i)
	if err != nil {
		return "", err
	}
	phase("number", time.Since(t0))
	if t.GroupID == nil {
		if err := b.p.reqAPI.waitFor(ctx, t.Number, projectionTimeout, func(t apiTicket) bool { return t.GroupID != nil }); err != nil {
			return "", err
		}
	}
	phase("projection", time.Since(t0))
	return t.Number, nil
}

// creation measures ticket creation against a bare workflow start and a
// bare insert, at each concurrency.
func (b *runner) creation(ctx context.Context) error {
	if err := b.startBareWorker(); err != nil {
		return err
	}
	if err := b.createScratch(ctx); err != nil {
		return err
	}
	defer func() { _ = b.dropScratch(context.WithoutCancel(ctx)) }()
	if b.o.Profile != nil {
		stop, err := b.o.Profile("creation")
		if err != nil {
			return err
		}
		defer func() {
			if err := stop(); err != nil {
				b.env.Logf("profile: %v", err)
			}
		}()
	}
	for _, c := range b.o.Concurrency {
		b.level = c
		cl := CreationLevel{Concurrency: c}
		cl.Guichet = RunLoad(ctx, c, b.limits(), func(ctx context.Context, i int, phase func(string, time.Duration)) error {
			_, err := b.createAndProject(ctx, i, phase)
			return err
		})
		b.env.Logf("creation c=%d guichet: %.1f/s p50 %.0f ms (%d errors)", c, cl.Guichet.PerSecond, cl.Guichet.Latency.P50, cl.Guichet.Errors)
		cl.BareStart = RunLoad(ctx, c, b.limits(), b.bareStart(false))
		b.env.Logf("creation c=%d bare start: %.1f/s p50 %.0f ms", c, cl.BareStart.PerSecond, cl.BareStart.Latency.P50)
		cl.BareStartComplete = RunLoad(ctx, c, b.limits(), b.bareStart(true))
		b.env.Logf("creation c=%d bare start+completion: %.1f/s p50 %.0f ms", c, cl.BareStartComplete.PerSecond, cl.BareStartComplete.Latency.P50)
		cl.BareInsert = RunLoad(ctx, c, b.limits(), b.bareInsert())
		b.env.Logf("creation c=%d bare insert: %.1f/s p50 %.1f ms", c, cl.BareInsert.PerSecond, cl.BareInsert.Latency.P50)
		cl.ThroughputVsTemporal = ratio(cl.Guichet.PerSecond, cl.BareStart.PerSecond)
		cl.ThroughputVsInsert = ratio(cl.Guichet.PerSecond, cl.BareInsert.PerSecond)
		cl.LatencyVsTemporal = ratio(cl.Guichet.Latency.P50, cl.BareStart.Latency.P50)
		cl.LatencyVsInsert = ratio(cl.Guichet.Latency.P50, cl.BareInsert.Latency.P50)
		b.r.Creation = append(b.r.Creation, cl)
	}
	return nil
}

// ratio is a/b rounded to 3 decimals, 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(a/b*1000) / 1000
}

// act sends an action and waits until the ticket shows status want; it
// records the whole as phase name.
func act(ctx context.Context, api *apiClient, number, action, want string, body map[string]any, phase func(string, time.Duration)) error {
	t0 := time.Now()
	t, err := api.action(ctx, number, action, body)
	if err != nil {
		return err
	}
	if t.Status != want {
		if err := api.waitFor(ctx, number, projectionTimeout, func(t apiTicket) bool { return t.Status == want }); err != nil {
			return err
		}
	}
	phase(action, time.Since(t0))
	return nil
}

// lifecycle measures create → pickup → resolve → accept through the API.
func (b *runner) lifecycle(ctx context.Context) error {
	for _, c := range b.o.Concurrency {
		b.level = c
		l := RunLoad(ctx, c, b.limits(), func(ctx context.Context, i int, phase func(string, time.Duration)) error {
			t0 := time.Now()
			number, err := b.createAndProject(ctx, i, func(string, time.Duration) {})
			if err != nil {
				return err
			}
			phase("create", time.Since(t0))
			if err := act(ctx, b.p.techAPI, number, "pickup", store.StatusInProgress, nil, phase); err != nil {
				return err
			}
			if err := act(ctx, b.p.techAPI, number, "resolve", store.StatusResolved,
				map[string]any{"solution": "Bourrage retiré, rouleau d'entraînement nettoyé."}, phase); err != nil {
				return err
			}
			return act(ctx, b.p.reqAPI, number, "accept", store.StatusClosed,
				map[string]any{"rating_delay": 5, "rating_quality": 4}, phase)
		})
		b.env.Logf("lifecycle c=%d: %.2f/s p50 %.0f ms (%d errors)", c, l.PerSecond, l.Latency.P50, l.Errors)
		b.r.Lifecycle = append(b.r.Lifecycle, l)
	}
	return nil
}

// openTickets files OpenTickets tickets and leaves them open, then reads
// the memory, the Temporal database size, and the time a restarted worker
// takes to serve an action on an old ticket.
func (b *runner) openTickets(ctx context.Context) (err error) {
	o := &OpenResult{Wanted: b.o.OpenTickets, WorkflowCacheSize: b.env.WorkflowCacheSize}
	// With a separate worker process, the bench process' own worker stops
	// for the section (so the child does all the work) and starts again
	// after it.
	var child WorkerProcess
	if b.env.StartWorkerProcess != nil {
		if err := b.env.StopWorker(); err != nil {
			return fmt.Errorf("stop the in-process worker: %w", err)
		}
		defer func() {
			if child != nil {
				if serr := child.Stop(); serr != nil {
					b.env.Logf("open tickets: stop the worker process: %v", serr)
				}
			}
			if serr := b.env.StartWorker(); serr != nil && err == nil {
				err = fmt.Errorf("restart the in-process worker: %w", serr)
			}
		}()
		if child, err = b.env.StartWorkerProcess(ctx); err != nil {
			return err
		}
		b.env.Logf("open tickets: worker process %d serves the tickets", child.PID())
	}
	var numbers = make([]string, b.o.OpenTickets)
	var filed atomic.Int64
	t0 := time.Now()
	l := RunLoad(ctx, 32, Limits{N: b.o.OpenTickets, Max: b.o.OpenMax}, func(ctx context.Context, i int, _ func(string, time.Duration)) error {
		t, err := b.p.reqAPI.createTicket(ctx, b.p.categoryID, i)
		if err != nil {
			return err
		}
		numbers[i] = t.Number
		if n := filed.Add(1); n%500 == 0 {
			b.env.Logf("open tickets: %d filed", n)
		}
		return nil
	})
	o.Filed, o.FileSeconds, o.FilePerSecond, o.FileErrors = l.Count, l.Seconds, l.PerSecond, l.Errors
	var kept []string
	for _, n := range numbers {
		if n != "" {
			kept = append(kept, n)
		}
	}
	if len(kept) < 2 {
		return fmt.Errorf("only %d tickets filed (%s)", len(kept), l.FirstError)
	}
	// The worker drains the first workflow tasks (a separate worker
	// process gets no eager start, so it may lag behind the filing): wait
	// for the last one, as long as the filing was allowed to take.
	last := kept[len(kept)-1]
	b.env.Logf("open tickets: %d filed in %.0f s; waiting for the worker to route the last one", len(kept), l.Seconds)
	settled := make(chan struct{})
	go func() { // progress of a long drain, every 30 s
		for {
			select {
			case <-settled:
				return
			case <-time.After(30 * time.Second):
			}
			var waiting int
			if err := b.env.DB.NewSelect().Model((*store.Ticket)(nil)).Where("group_id IS NULL").
				ColumnExpr("count(*)").Scan(ctx, &waiting); err == nil {
				b.env.Logf("open tickets: %d not routed yet", waiting)
			}
		}
	}()
	defer close(settled)
	if err := b.p.reqAPI.waitFor(ctx, last, max(10*time.Minute, b.o.OpenMax), func(t apiTicket) bool { return t.GroupID != nil }); err != nil {
		return err
	}
	o.SettleSeconds = round3(time.Since(t0).Seconds() - o.FileSeconds)
	if err := b.env.DB.NewSelect().Model((*store.Ticket)(nil)).
		Where("status NOT IN (?)", []any{store.StatusClosed, store.StatusCancelled}).
		ColumnExpr("count(*)").Scan(ctx, &o.OpenInDB); err != nil {
		return fmt.Errorf("count open tickets: %w", err)
	}
	if n, err := b.env.Temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: "ExecutionStatus = 'Running'"}); err == nil {
		o.RunningWorkflows = n.GetCount()
	} else {
		b.env.Logf("open tickets: count workflows: %v", err)
	}
	runtime.GC()
	o.RSSBytes = readRSS()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	o.GoHeapBytes = int64(ms.HeapAlloc) // #nosec G115 -- a heap size, far below 2^63 bytes
	o.TemporalDBBytes = fileSize(b.env.TemporalDBFile)
	if b.env.TemporalDBSize != nil {
		n, err := b.env.TemporalDBSize(ctx)
		if err != nil {
			return fmt.Errorf("temporal database size: %w", err)
		}
		o.TemporalDBBytes = n
	}
	if child != nil {
		o.WorkerRSSBytes = readRSSOf(strconv.Itoa(child.PID()))
		o.WorkerGoHeapBytes = child.GoHeapBytes(ctx)
		b.env.Logf("open tickets: %d open, worker process RSS %d MiB (Go heap %d MiB), bench process RSS %d MiB, Temporal DB %d MiB",
			o.OpenInDB, o.WorkerRSSBytes>>20, o.WorkerGoHeapBytes>>20, o.RSSBytes>>20, o.TemporalDBBytes>>20)
	} else {
		b.env.Logf("open tickets: %d open, RSS %d MiB, Temporal DB %d MiB", o.OpenInDB, o.RSSBytes>>20, o.TemporalDBBytes>>20)
	}

	restart := b.env.RestartWorker
	if child != nil {
		// SIGTERM the worker process, then start a fresh one (ready when
		// its /readyz answers).
		restart = func(ctx context.Context) error {
			if err := child.Stop(); err != nil {
				return fmt.Errorf("stop the worker process: %w", err)
			}
			child = nil
			c, err := b.env.StartWorkerProcess(ctx)
			if err != nil {
				return err
			}
			child = c
			return nil
		}
	}
	if restart != nil {
		b.stopBareWorker() // the SDK's workflow cache is emptied once no worker is left
		r0 := time.Now()
		if err := restart(ctx); err != nil {
			return err
		}
		o.RestartSeconds = round3(time.Since(r0).Seconds())
		var firsts []time.Duration
		for k, number := range kept[:min(21, len(kept))] {
			a0 := time.Now()
			if err := act(ctx, b.p.techAPI, number, "pickup", store.StatusInProgress, nil, func(string, time.Duration) {}); err != nil {
				return err
			}
			d := time.Since(a0)
			if k == 0 {
				o.FirstActionMS = ms2(d)
			} else {
				firsts = append(firsts, d)
			}
		}
		o.NextActions = Summarize(firsts)
		b.env.Logf("open tickets: worker restarted in %.1f s; first action %.0f ms", o.RestartSeconds, o.FirstActionMS)
	}
	b.r.Open = o
	return nil
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func ms2(d time.Duration) float64 { return ms(d) }

// fileSize is the size of a SQLite file with its write-ahead log, 0 when
// path is empty or missing.
func fileSize(path string) int64 {
	if path == "" {
		return 0
	}
	var n int64
	for _, f := range []string{path, path + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			n += st.Size()
		}
	}
	return n
}

// reads seeds ReadTickets tickets straight into the database and measures
// the lists, the support queue and the search.
func (b *runner) reads(ctx context.Context) error {
	rr := &ReadsResult{}
	t0 := time.Now()
	var seeded bool
	var err error
	rr.Tickets, rr.Articles, seeded, err = seedReads(ctx, b.env.DB, b.env.Academy, b.p.requester.ID, b.p.technician.ID, b.o.ReadTickets, b.o.ReadArticles, b.env.Logf)
	if err != nil {
		return err
	}
	if seeded {
		rr.SeedSeconds = round3(time.Since(t0).Seconds())
	}
	queries := []string{"imprimante bourrage", "ecrans", "mot de passe messagerie", "vidéoprojecteur"}
	ops := []struct {
		name string
		op   Op
	}{
		{"list: API, technician, open tickets, page 1", func(ctx context.Context, _ int, _ func(string, time.Duration)) error {
			return b.p.techAPI.do(ctx, "GET", "/api/v1/tickets?status=open", nil, nil)
		}},
		{"list: API, requester, own tickets, page 1", func(ctx context.Context, _ int, _ func(string, time.Duration)) error {
			return b.p.reqAPI.do(ctx, "GET", "/api/v1/tickets?status=all&scope=mine", nil, nil)
		}},
		{"queue: store, académie's open tickets, 50 first", func(ctx context.Context, _ int, _ func(string, time.Duration)) error {
			_, _, err := b.env.DB.SupportQueue(ctx, store.QueueFilter{Academy: b.env.Academy})
			return err
		}},
		{"search: API, technician, full text", func(ctx context.Context, i int, _ func(string, time.Duration)) error {
			return b.p.techAPI.do(ctx, "GET", "/api/v1/search?q="+url.QueryEscape(queries[i%len(queries)]), nil, nil)
		}},
	}
	for _, x := range ops {
		ro := ReadOp{Name: x.name}
		for _, c := range b.o.Concurrency {
			l := RunLoad(ctx, c, b.limits(), x.op)
			b.env.Logf("reads %s c=%d: %.1f/s p50 %.1f ms p99 %.1f ms", x.name, c, l.PerSecond, l.Latency.P50, l.Latency.P99)
			ro.Levels = append(ro.Levels, l)
		}
		rr.Ops = append(rr.Ops, ro)
	}
	b.r.Reads = rr
	return nil
}
