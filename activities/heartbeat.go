package activities

import (
	"context"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatPeriod is how often a working activity tells Temporal it is
// alive; the workflows' HeartbeatTimeout is a few times longer, so a
// worker killed mid-activity is noticed within seconds and the attempt
// retried on another worker (instead of waiting out start-to-close).
// The SDK sends at most one heartbeat per 0.8 × HeartbeatTimeout anyway.
const heartbeatPeriod = time.Second

// heartbeater records a heartbeat at once and then every heartbeatPeriod
// until stop, with the latest progress given to progress (0 until then),
// so that an activity blocked in one long call (an HTTP POST, an LDAP
// search) still heartbeats. Outside an activity (unit tests calling the
// method directly) it does nothing.
type heartbeater struct {
	progress atomic.Int64
	done     chan struct{}
	stopped  chan struct{}
}

// startHeartbeats starts a heartbeater for the activity of ctx.
func startHeartbeats(ctx context.Context) *heartbeater {
	h := &heartbeater{done: make(chan struct{}), stopped: make(chan struct{})}
	if !activity.IsActivity(ctx) {
		close(h.stopped)
		return h
	}
	go func() {
		defer close(h.stopped)
		tick := time.NewTicker(heartbeatPeriod)
		defer tick.Stop()
		for {
			activity.RecordHeartbeat(ctx, h.progress.Load())
			select {
			case <-h.done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// report sets the progress sent with the next heartbeats.
func (h *heartbeater) report(n int64) { h.progress.Store(n) }

// stop ends the heartbeats and waits for the last one to be recorded.
func (h *heartbeater) stop() {
	select {
	case <-h.done:
	default:
		close(h.done)
	}
	<-h.stopped
}
