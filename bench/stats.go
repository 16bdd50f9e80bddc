package bench

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Stats summarises the latencies of one measured operation, in
// milliseconds.
type Stats struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the
// nearest-rank method: the smallest value with at least p % of the values
// at or below it. It returns 0 for no values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summarize computes the statistics of a set of latencies.
func Summarize(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return Stats{
		Count: len(s),
		Mean:  ms(sum / time.Duration(len(s))),
		P50:   ms(Percentile(s, 50)),
		P95:   ms(Percentile(s, 95)),
		P99:   ms(Percentile(s, 99)),
		Max:   ms(s[len(s)-1]),
	}
}

// ms converts a duration to milliseconds, rounded to the microsecond.
func ms(d time.Duration) float64 {
	return math.Round(float64(d.Microseconds())) / 1000
}

// Level is the result of one operation run at one concurrency.
type Level struct {
	Concurrency int     `json:"concurrency"`
	Count       int     `json:"count"`
	Errors      int     `json:"errors"`
	FirstError  string  `json:"first_error,omitempty"`
	Seconds     float64 `json:"seconds"`
	// PerSecond is the number of operations completed per second of wall
	// time.
	PerSecond float64 `json:"per_second"`
	// Latency is the whole operation's latency.
	Latency Stats `json:"latency"`
	// Phases are the latencies of the steps of an operation (the actions of
	// a lifecycle), by name.
	Phases map[string]Stats `json:"phases,omitempty"`
}

// Limits bound a load run: it stops after N operations or after Max of wall
// time, whichever comes first.
type Limits struct {
	N   int
	Max time.Duration
}

// Op is one operation of a load run; i counts operations from 0. It may
// record the latencies of its steps with phase.
type Op func(ctx context.Context, i int, phase func(name string, d time.Duration)) error

// RunLoad runs op with concurrency workers until lim.N operations are done
// or lim.Max has passed (no new operation starts after that), and returns
// throughput and latencies of the operations that succeeded.
func RunLoad(ctx context.Context, concurrency int, lim Limits, op Op) Level {
	concurrency = max(concurrency, 1)
	var (
		next     atomic.Int64
		mu       sync.Mutex
		total    []time.Duration
		phases   = map[string][]time.Duration{}
		errs     int
		firstErr string
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(lim.Max)
	for range concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= lim.N || ctx.Err() != nil || (lim.Max > 0 && time.Now().After(deadline)) {
					return
				}
				var local []struct {
					name string
					d    time.Duration
				}
				t0 := time.Now()
				err := op(ctx, i, func(name string, d time.Duration) {
					local = append(local, struct {
						name string
						d    time.Duration
					}{name, d})
				})
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				} else {
					total = append(total, d)
					for _, p := range local {
						phases[p.name] = append(phases[p.name], p.d)
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	l := Level{
		Concurrency: concurrency, Count: len(total), Errors: errs, FirstError: firstErr,
		Seconds: math.Round(elapsed.Seconds()*1000) / 1000, Latency: Summarize(total),
	}
	if elapsed > 0 {
		l.PerSecond = math.Round(float64(len(total))/elapsed.Seconds()*100) / 100
	}
	if len(phases) > 0 {
		l.Phases = map[string]Stats{}
		for name, ds := range phases {
			l.Phases[name] = Summarize(ds)
		}
	}
	return l
}
