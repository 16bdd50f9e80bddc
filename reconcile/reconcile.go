// Package reconcile finds the tickets whose workflow ended outside Guichet.
//
// A ticket's workflow is the only writer of its projection (the ticket row
// and timeline). A workflow terminated or cancelled from the Temporal Web
// UI or CLI, or one that timed out or failed, leaves its ticket « en cours »
// for ever: nobody can act on it and no deadline fires. The Reconciler
// compares Temporal with the database: it lists, through visibility, the
// ticket workflows closed with such a status, and for each whose ticket is
// still open in the database it mails the académie's supervisors (once),
// flags the ticket (store.MarkWorkflowEnded: its pages then say that its
// processing was stopped), logs a warning and counts it in the metric
// guichet_reconcile_workflows_ended_total. It runs every
// worker.reconcile_interval in each worker process (and `guichet dev`);
// concurrent runs are harmless (mails are deduplicated, the flag is set
// once).
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	gomail "net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"guichet/config"
	"guichet/mail"
	"guichet/store"
	"guichet/workflows"
)

// endedStatus returns the visibility name of a closing status of a
// ticket workflow that Guichet never causes (a workflow Guichet closes
// completes, or continues as new), and false for any other status.
func endedStatus(st enumspb.WorkflowExecutionStatus) (string, bool) {
	switch st {
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "Terminated", true
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "Canceled", true
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "TimedOut", true
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "Failed", true
	default:
		return "", false
	}
}

// Query is the visibility query of the ticket workflows ended outside
// Guichet.
const Query = "WorkflowType = '" + workflows.WorkflowName + "' AND (ExecutionStatus = 'Terminated' OR " +
	"ExecutionStatus = 'Canceled' OR ExecutionStatus = 'TimedOut' OR ExecutionStatus = 'Failed')"

// Reconciler compares open tickets with their workflows. Build it with New.
type Reconciler struct {
	db       *store.DB
	temporal client.Client
	outbox   *mail.Outbox
	baseURL  string
	every    time.Duration
	logger   *slog.Logger
	found    *prometheus.CounterVec
	now      func() time.Time
}

// New returns the reconciler of db and the Temporal client c (in the
// client's namespace), mailing through outbox with links to
// cfg.Web.BaseURL, every cfg.Worker.ReconcileInterval. Its counter is
// registered on reg (nil: not exported); registering twice on one
// registry reuses the first counter.
func New(db *store.DB, c client.Client, outbox *mail.Outbox, cfg config.Config, logger *slog.Logger, reg prometheus.Registerer) (*Reconciler, error) {
	if logger == nil {
		logger = slog.Default()
	}
	found := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "guichet", Subsystem: "reconcile", Name: "workflows_ended_total",
		Help: "Open tickets found with their workflow ended outside Guichet, by Temporal status.",
	}, []string{"status"})
	if reg != nil {
		if err := reg.Register(found); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, fmt.Errorf("reconcile: register metrics: %w", err)
			}
			existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
			if !ok {
				return nil, fmt.Errorf("reconcile: register metrics: %w", err)
			}
			found = existing
		}
	}
	return &Reconciler{db: db, temporal: c, outbox: outbox,
		baseURL: strings.TrimRight(cfg.Web.BaseURL, "/"), every: cfg.Worker.ReconcileInterval,
		logger: logger, found: found, now: time.Now}, nil
}

// Finding is one ticket found with its workflow ended outside Guichet.
type Finding struct {
	Number string
	Status string // Terminated, Canceled, TimedOut or Failed
}

// Run reconciles at once and then every worker.reconcile_interval until
// ctx ends (returning nil); with an interval of 0 it does nothing. An
// error of one pass is logged, and the next pass tries again.
func (r *Reconciler) Run(ctx context.Context) error {
	if r.every <= 0 {
		return nil
	}
	tick := time.NewTicker(r.every)
	defer tick.Stop()
	for {
		if _, err := r.Reconcile(ctx); err != nil && ctx.Err() == nil {
			r.logger.Error("réconciliation des tickets avec Temporal", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Reconcile makes one pass and returns the tickets it newly flagged.
// Tickets flagged by an earlier pass, closed or cancelled ones, and
// workflows without a ticket are left alone.
func (r *Reconciler) Reconcile(ctx context.Context) ([]Finding, error) {
	var found []Finding
	var token []byte
	for {
		resp, err := r.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: Query, PageSize: 200, NextPageToken: token,
		})
		if err != nil {
			return found, fmt.Errorf("reconcile: list ended ticket workflows: %w", err)
		}
		for _, ex := range resp.GetExecutions() {
			f, ok, err := r.check(ctx, ex.GetExecution().GetWorkflowId())
			if err != nil {
				return found, err
			}
			if ok {
				found = append(found, f)
			}
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return found, nil
		}
	}
}

// check looks at the ticket of the workflow id (its number: see
// workflows.TicketWorkflowID), and flags it if it is open while its
// latest run ended outside Guichet.
func (r *Reconciler) check(ctx context.Context, id string) (Finding, bool, error) {
	number := id
	t, err := r.db.GetTicket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		return Finding{}, false, nil
	}
	if err != nil {
		return Finding{}, false, fmt.Errorf("reconcile: ticket %s: %w", number, err)
	}
	if t.WorkflowEndedStatus != "" || t.Status == store.StatusClosed || t.Status == store.StatusCancelled {
		return Finding{}, false, nil
	}
	// Visibility lags and lists every run: ask for the latest one.
	desc, err := r.temporal.DescribeWorkflowExecution(ctx, id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return Finding{}, false, nil
	}
	if err != nil {
		return Finding{}, false, fmt.Errorf("reconcile: describe workflow %s: %w", id, err)
	}
	status, ended := endedStatus(desc.GetWorkflowExecutionInfo().GetStatus())
	if !ended {
		return Finding{}, false, nil
	}
	// Mail first (idempotent): a pass that fails after it mails nobody
	// twice, and one that fails before it leaves the ticket unflagged for
	// the next pass.
	if err := r.notifySupervisors(ctx, t, status); err != nil {
		return Finding{}, false, err
	}
	flagged, err := r.db.MarkWorkflowEnded(ctx, number, status, r.now())
	if err != nil {
		return Finding{}, false, fmt.Errorf("reconcile: %w", err)
	}
	if !flagged {
		return Finding{}, false, nil
	}
	r.found.WithLabelValues(status).Inc()
	r.logger.Warn("workflow d'un ticket arrêté hors de Guichet", "ticket", number, "academy", t.AcademyCode,
		"status", status, "run_id", desc.GetWorkflowExecutionInfo().GetExecution().GetRunId())
	return Finding{Number: number, Status: status}, true, nil
}

// notifySupervisors mails the supervisors of the ticket's académie, each
// in their language, once per ticket (the outbox deduplicates).
func (r *Reconciler) notifySupervisors(ctx context.Context, t *store.Ticket, status string) error {
	people, err := r.db.RoleHolders(ctx, t.AcademyCode, store.RoleSupervisor)
	if err != nil {
		return fmt.Errorf("reconcile: supervisors of %s: %w", t.AcademyCode, err)
	}
	d := mail.Data{Number: t.Number, Category: t.CategoryPath, Academy: t.AcademyCode,
		TicketURL: r.baseURL + "/incidents/" + url.PathEscape(t.Number), Reason: status}
	if ac, err := r.db.GetAcademy(ctx, t.AcademyCode); err == nil && ac.Name != "" {
		d.Academy = ac.Name
	}
	for _, p := range people {
		if p.Disabled || p.Email == "" {
			continue
		}
		pd := d
		pd.Name = strings.TrimSpace(p.FirstName + " " + p.LastName)
		out, err := r.outbox.Render(mail.KindWorkflowEnded, p.Lang, pd)
		if err != nil {
			return fmt.Errorf("reconcile: notice of %s: %w", t.Number, err)
		}
		addr := gomail.Address{Name: pd.Name, Address: p.Email}
		if _, err := r.outbox.Queue(ctx, mail.Message{
			DedupeKey: "workflow-ended:" + t.Number, TicketNumber: t.Number, To: []string{addr.String()},
			Subject: out.Subject, Text: out.Text, HTML: out.HTML,
		}); err != nil {
			return fmt.Errorf("reconcile: notice of %s: %w", t.Number, err)
		}
	}
	return nil
}
