// Package intake accepts ticket submissions so that none is ever lost: it
// stores the submission (number, ticket, attachments) in the database
// first, then starts the ticket's workflow. When Temporal is unreachable
// the submission stays pending and the resumer starts its workflow once
// Temporal answers again; the workflow ID (the ticket number) and the
// reject-duplicate policy make every start idempotent.
package intake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"guichet/config"
	"guichet/store"
	"guichet/workflows"
)

// Starter starts workflows; client.Client is one.
type Starter interface {
	ExecuteWorkflow(ctx context.Context, options client.StartWorkflowOptions, workflow any, args ...any) (client.WorkflowRun, error)
}

// Defaults of the Service's tunables.
const (
	DefaultResumeEvery  = 10 * time.Second
	DefaultResumeAfter  = 5 * time.Second
	DefaultStartTimeout = 5 * time.Second
	resumeBatch         = 100
)

// Service stores submissions and starts their workflows.
type Service struct {
	db     *store.DB
	client Starter
	cfg    config.Config
	logger *slog.Logger

	// ResumeEvery is the period of RunResumer.
	ResumeEvery time.Duration
	// ResumeAfter is how old a pending submission must be before the
	// resumer starts it (so it does not race Submit's own start; a race
	// would be harmless anyway).
	ResumeAfter time.Duration
	// StartTimeout bounds one workflow start, so a hung Temporal never
	// holds a submitting user.
	StartTimeout time.Duration

	// Spool, when set, keeps the submissions the database refused (see
	// ErrSpooled); nil makes such a failure Submit's error.
	Spool *Spool
	// RetryDelays are the waits between Submit's attempts at storing a
	// submission while the database is unavailable (nil: about 3 s in
	// all; empty: no retry).
	RetryDelays []time.Duration
	// DrainEvery is the period of RunSpoolDrainer.
	DrainEvery time.Duration
}

// New returns a Service. c is the Temporal client (client.Client); cfg
// gives the ticket timers, each académie's opening hours and the resumer's
// period (worker.resume_interval).
func New(db *store.DB, c Starter, cfg config.Config, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	every := DefaultResumeEvery
	if cfg.Worker.ResumeInterval > 0 {
		every = cfg.Worker.ResumeInterval
	}
	return &Service{
		db: db, client: c, cfg: cfg, logger: logger,
		ResumeEvery: every, ResumeAfter: DefaultResumeAfter, StartTimeout: DefaultStartTimeout,
	}
}

// Submit stores a new ticket with its attachments, then starts its
// workflow. Once the ticket is stored the submission is safe: if Temporal
// fails, Submit logs it and still returns the number with a nil error (the
// resumer will start the workflow). While the database is unavailable it
// retries for a few seconds; if it still is and a Spool is set, the
// submission is written to the spool and Submit returns an error matching
// ErrSpooled (SpooledID gives its ID): the submission is safe too, stored
// by RunSpoolDrainer later. Any other error means nothing was kept.
func (s *Service) Submit(ctx context.Context, t *store.Ticket, files []store.Attachment) (string, error) {
	if t == nil {
		return "", fmt.Errorf("intake: submit: nil ticket")
	}
	id, err := NewSubmissionID()
	if err != nil {
		return "", err
	}
	number, err := s.create(ctx, id, t, files)
	if err != nil {
		if s.Spool != nil && store.IsUnavailable(err) {
			return "", s.spool(ctx, id, t, files, err)
		}
		return "", fmt.Errorf("intake: submit: %w", err)
	}
	// The user's request may end now: the start must not be cut by it.
	if err := s.start(context.WithoutCancel(ctx), t); err != nil {
		s.logger.WarnContext(ctx, "intake: workflow not started, the ticket stays pending",
			"ticket", number, "error", err)
	}
	return number, nil
}

// Start starts the workflow of a stored ticket and records it started. It
// is idempotent: a workflow already started counts as started.
func (s *Service) Start(ctx context.Context, t *store.Ticket) error {
	return s.start(ctx, t)
}

func (s *Service) start(ctx context.Context, t *store.Ticket) error {
	in, err := s.Input(ctx, t)
	if err != nil {
		return err
	}
	sctx, cancel := context.WithTimeout(ctx, s.StartTimeout)
	defer cancel()
	opts := workflows.StartOptions(in)
	if q := s.cfg.Temporal.TaskQueue; q != "" {
		opts.TaskQueue = q // the queue the worker polls (see worker.TaskQueue)
	}
	// When a worker of this queue runs on the same client (guichet dev, the
	// bench), the server hands its first workflow task back with the start
	// answer instead of going through matching: one round trip and one
	// history write fewer per creation. Without such a worker (a separate
	// web process) the SDK does not ask for it and nothing changes.
	opts.EnableEagerStart = true
	_, err = s.client.ExecuteWorkflow(sctx, opts, workflows.WorkflowName, in)
	if err != nil && !temporal.IsWorkflowExecutionAlreadyStartedError(err) {
		return fmt.Errorf("intake: start workflow %s: %w", t.Number, err)
	}
	if err := s.db.MarkWorkflowStarted(ctx, t.Number, time.Now()); err != nil {
		return fmt.Errorf("intake: %w", err)
	}
	return nil
}

// Input builds the workflow input of a stored ticket from the ticket and
// the académie's settings: timers from the configuration, opening hours and
// closed days as supervisors set them (else the configuration's).
func (s *Service) Input(ctx context.Context, t *store.Ticket) (workflows.TicketInput, error) {
	if t.Number == "" {
		return workflows.TicketInput{}, fmt.Errorf("intake: ticket without a number")
	}
	tc := s.cfg.Tickets
	hours := s.cfg.OpeningHoursFor(t.AcademyCode)
	switch h, err := s.db.HoursOf(ctx, t.AcademyCode); {
	case err == nil:
		hours = config.OpeningHours{TimeZone: h.TimeZone, Open: h.Open, Close: h.Close, Days: h.DayList(), Holidays: h.Holidays}
	case !errors.Is(err, store.ErrNotFound):
		return workflows.TicketInput{}, fmt.Errorf("intake: %w", err)
	}
	closed, err := s.db.HolidaysOf(ctx, t.AcademyCode)
	if err != nil {
		return workflows.TicketInput{}, fmt.Errorf("intake: %w", err)
	}
	closedDays := make([]string, 0, len(closed))
	for _, h := range closed {
		closedDays = append(closedDays, h.Day)
	}
	return workflows.TicketInput{
		Number:        t.Number,
		Academy:       t.AcademyCode,
		RequesterID:   t.RequesterID,
		BeneficiaryID: t.BeneficiaryID,
		Urgency:       t.Urgency,
		Impact:        t.Impact,
		CategoryID:    t.CategoryID,
		Subject:       t.CategoryPath,
		Private:       t.Private,
		CreatedAt:     t.CreatedAt,
		Timers: workflows.Timers{
			PickupDeadline:     tc.PickupDeadline,
			ValidationDeadline: tc.ValidationDeadline,
			ValidationReminder: tc.ValidationReminder,
			WaitingReminder:    tc.WaitingReminder,
			Hours: workflows.OpeningHours{
				TimeZone:   hours.TimeZone,
				Open:       hours.Open,
				Close:      hours.Close,
				Days:       append([]int(nil), hours.Days...),
				Holidays:   hours.Holidays,
				ClosedDays: closedDays,
			},
		},
	}, nil
}

// ResumePending starts the workflow of every pending submission old enough,
// oldest first. It stops at the first start that fails (Temporal is most
// likely still down) and returns how many it started.
func (s *Service) ResumePending(ctx context.Context) (int, error) {
	started := 0
	for {
		pending, err := s.db.PendingTickets(ctx, s.ResumeAfter, resumeBatch)
		if err != nil {
			return started, fmt.Errorf("intake: resume: %w", err)
		}
		for i := range pending {
			if err := s.start(ctx, &pending[i]); err != nil {
				return started, fmt.Errorf("intake: resume: %w", err)
			}
			started++
			s.logger.InfoContext(ctx, "intake: pending ticket's workflow started", "ticket", pending[i].Number)
		}
		if len(pending) < resumeBatch {
			return started, nil
		}
	}
}

// RunResumer calls ResumePending at once and then every ResumeEvery until
// ctx ends; it returns nil when ctx is cancelled. Failures are logged and
// retried at the next tick.
func (s *Service) RunResumer(ctx context.Context) error {
	every := s.ResumeEvery
	if every <= 0 {
		every = DefaultResumeEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if _, err := s.ResumePending(ctx); err != nil && ctx.Err() == nil {
			s.logger.WarnContext(ctx, "intake: pending tickets not started yet", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
