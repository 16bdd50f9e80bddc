package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"guichet/config"
	"guichet/store"
	"guichet/workflows"
)

// Contract of the directory synchronisation.
const (
	// DirectorySyncWorkflowName is the registered name of
	// DirectorySyncWorkflow.
	DirectorySyncWorkflowName = "DirectorySyncWorkflow"
	// DirectoryScheduleID is the Temporal schedule that starts it.
	DirectoryScheduleID = "guichet-directory-sync"
	// ActivityListSyncAcademies and ActivitySyncAcademy are the
	// registered names of its activities.
	ActivityListSyncAcademies = "ListSyncAcademies"
	ActivitySyncAcademy       = "SyncAcademy"
)

// DirectorySyncInput says which académies to synchronise: those listed,
// or every académie with an LDAP directory when empty.
type DirectorySyncInput struct {
	Academies []string
}

// AcademySyncResult is one académie's synchronisation, as recorded.
type AcademySyncResult struct {
	Academy  string
	RunID    int64
	Seen     int
	Added    int
	Updated  int
	Disabled int
	Errors   int
	// Failure is the error that stopped it, empty when it completed.
	Failure string
}

// DirectorySyncResult lists each académie's outcome.
type DirectorySyncResult struct {
	Academies []AcademySyncResult
}

// DirectorySyncWorkflow synchronises the staff directory from the LDAP
// directories: one activity per académie (heartbeating its progress, which
// is also written to the database for the administrators' page); an
// académie whose directory fails does not stop the others, and the
// workflow fails at the end if one did.
func DirectorySyncWorkflow(ctx workflow.Context, in DirectorySyncInput) (DirectorySyncResult, error) {
	var res DirectorySyncResult
	codes := in.Academies
	if len(codes) == 0 {
		lctx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
		if err := workflow.ExecuteActivity(lctx, ActivityListSyncAcademies).Get(ctx, &codes); err != nil {
			return res, err
		}
	}
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 4 * time.Hour,
		HeartbeatTimeout:    2 * time.Minute,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 30 * time.Second, BackoffCoefficient: 2, MaximumAttempts: 3,
		},
	})
	var failed []string
	for _, code := range codes {
		var r AcademySyncResult
		if err := workflow.ExecuteActivity(actx, ActivitySyncAcademy, code).Get(ctx, &r); err != nil {
			r = AcademySyncResult{Academy: code, Failure: err.Error()}
			failed = append(failed, code)
		}
		res.Academies = append(res.Academies, r)
	}
	if len(failed) > 0 {
		return res, temporal.NewApplicationError(fmt.Sprintf("directory sync failed for %v", failed), "DirectorySyncFailed")
	}
	return res, nil
}

// SyncActivities are the directory synchronisation's activities.
type SyncActivities struct {
	Identity *Service
}

// ListSyncAcademies lists the académies with an LDAP directory.
func (a *SyncActivities) ListSyncAcademies(context.Context) ([]string, error) {
	return a.Identity.LDAPAcademies(), nil
}

// SyncAcademy synchronises one académie, heartbeating the entries seen.
func (a *SyncActivities) SyncAcademy(ctx context.Context, academy string) (AcademySyncResult, error) {
	detail := ""
	if activity.IsActivity(ctx) {
		detail = activity.GetInfo(ctx).WorkflowExecution.ID
	}
	run, err := a.Identity.SyncAcademy(ctx, academy, detail, func(seen int) {
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, seen)
		}
	})
	res := AcademySyncResult{Academy: academy}
	if run != nil {
		res = AcademySyncResult{Academy: academy, RunID: run.ID, Seen: run.Seen, Added: run.Added,
			Updated: run.Updated, Disabled: run.Disabled, Errors: run.Errors}
	}
	return res, err
}

// RegisterSync registers DirectorySyncWorkflow and its activities on a
// worker (of the tickets task queue).
func RegisterSync(r sdkworker.Registry, cfg config.Config, db *store.DB, log *slog.Logger) {
	acts := &SyncActivities{Identity: New(cfg, db, log)}
	r.RegisterWorkflowWithOptions(DirectorySyncWorkflow, workflow.RegisterOptions{Name: DirectorySyncWorkflowName})
	r.RegisterActivityWithOptions(acts.ListSyncAcademies, activity.RegisterOptions{Name: ActivityListSyncAcademies})
	r.RegisterActivityWithOptions(acts.SyncAcademy, activity.RegisterOptions{Name: ActivitySyncAcademy})
}

// TaskQueue is the task queue the synchronisation runs on: the workers'.
func TaskQueue(cfg config.Config) string {
	if cfg.Temporal.TaskQueue != "" {
		return cfg.Temporal.TaskQueue
	}
	return workflows.TaskQueue
}

// SyncAcademy reads every user of an académie's LDAP directory, page by
// page, writes them to the directory (added, updated, unchanged; roles
// from the role rules), then disables the people an earlier
// synchronisation brought in who are gone from it. Progress is saved in a
// DirectoryRun after each page and given to heartbeat. detail (the
// workflow ID) is recorded with the run.
func (s *Service) SyncAcademy(ctx context.Context, academy, detail string, heartbeat func(seen int)) (*store.DirectoryRun, error) {
	d, ok := s.ldapDirectory(academy)
	if !ok {
		return nil, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("identity: académie %q has no ldap directory", academy), "NoDirectory", nil)
	}
	// Seconds only: SQLite compares timestamps as text.
	start := s.now().UTC().Truncate(time.Second)
	run := &store.DirectoryRun{AcademyCode: academy, Source: store.DirectorySourceLDAP, Detail: detail, StartedAt: start}
	if err := s.db.StartDirectoryRun(ctx, run); err != nil {
		return nil, err
	}
	fail := func(err error, msg string) (*store.DirectoryRun, error) {
		now := s.now().UTC()
		run.FinishedAt, run.Status = &now, store.RunFailed
		run.Errors++
		run.Messages = store.RunMessages(run.Messages, msg, 51)
		if serr := s.db.SaveDirectoryRun(context.WithoutCancel(ctx), run); serr != nil {
			s.log.ErrorContext(ctx, "save directory run", slog.Any("error", serr))
		}
		return run, err
	}
	err := d.each(func(page []*Entry) error {
		var entries []*Entry
		var people []*store.Person
		for _, e := range page {
			if e.Person.Login == "" || e.Person.LastName == "" {
				run.Errors++
				run.Messages = store.RunMessages(run.Messages, fmt.Sprintf("entrée %s ignorée : identifiant ou nom absent", e.DN), 50)
				continue
			}
			p := e.Person
			entries, people = append(entries, e), append(people, &p)
		}
		c, err := s.db.ApplyDirectory(ctx, store.DirectoryApply{Source: store.DirectorySourceLDAP, SeenAt: start, ManageDisabled: true}, people)
		if err != nil {
			return err
		}
		if err := s.grantRoles(ctx, d, entries, people); err != nil {
			return err
		}
		run.Seen += len(page)
		run.Added += c.Added
		run.Updated += c.Updated
		run.Unchanged += c.Unchanged
		if heartbeat != nil {
			heartbeat(run.Seen)
		}
		return s.db.SaveDirectoryRun(ctx, run)
	})
	switch {
	case errors.Is(err, ErrDirectoryUnavailable):
		return fail(err, "annuaire LDAP injoignable ou en erreur : "+err.Error())
	case err != nil:
		return fail(err, "erreur interne pendant la synchronisation (voir les journaux)")
	}
	// An empty answer is far more likely a wrong filter or base DN than a
	// directory emptied overnight: disable nobody then.
	if run.Seen > 0 {
		n, err := s.db.DisableUnseen(ctx, academy, store.DirectorySourceLDAP, start)
		if err != nil {
			return fail(err, "erreur interne en désactivant les comptes disparus (voir les journaux)")
		}
		run.Disabled = n
	} else {
		run.Messages = store.RunMessages(run.Messages, "l'annuaire n'a renvoyé aucune personne : aucun compte désactivé (vérifiez base_dn et user_filter)", 51)
	}
	now := s.now().UTC()
	run.FinishedAt, run.Status = &now, store.RunDone
	if err := s.db.SaveDirectoryRun(ctx, run); err != nil {
		return run, err
	}
	s.log.InfoContext(ctx, "directory synchronised", slog.String("academy", academy), slog.Int("seen", run.Seen),
		slog.Int("added", run.Added), slog.Int("updated", run.Updated), slog.Int("disabled", run.Disabled), slog.Int("errors", run.Errors))
	return run, nil
}

// StartSync starts a synchronisation now (the administrators' button) and
// returns its workflow ID. Only one runs at a time: while one runs, its ID
// is returned.
func StartSync(ctx context.Context, c client.Client, cfg config.Config, academies []string) (string, error) {
	id := DirectoryScheduleID + "-manual"
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                TaskQueue(cfg),
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		WorkflowExecutionTimeout: 24 * time.Hour,
	}, DirectorySyncWorkflowName, DirectorySyncInput{Academies: academies})
	if err != nil {
		return "", fmt.Errorf("identity: start directory sync: %w", err)
	}
	return run.GetID(), nil
}

// EnsureSchedule creates, updates or deletes the Temporal schedule of the
// directory synchronisation so that it matches the configuration: every
// directory.sync_interval when an académie has an LDAP directory, none
// otherwise. It is idempotent: `guichet dev` and `guichet temporal-setup`
// run it.
func EnsureSchedule(ctx context.Context, c client.Client, cfg config.Config) error {
	sc := c.ScheduleClient()
	h := sc.GetHandle(ctx, DirectoryScheduleID)
	want := cfg.Directory.SyncInterval > 0 && len(New(cfg, nil, nil).LDAPAcademies()) > 0
	if !want {
		if err := h.Delete(ctx); err != nil {
			var nf *serviceerror.NotFound
			if !errors.As(err, &nf) {
				return fmt.Errorf("identity: delete directory schedule: %w", err)
			}
		}
		return nil
	}
	spec := client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: cfg.Directory.SyncInterval}}}
	action := &client.ScheduleWorkflowAction{
		ID: DirectoryScheduleID, Workflow: DirectorySyncWorkflowName,
		Args: []any{DirectorySyncInput{}}, TaskQueue: TaskQueue(cfg),
		WorkflowExecutionTimeout: 24 * time.Hour,
	}
	_, err := sc.Create(ctx, client.ScheduleOptions{
		ID: DirectoryScheduleID, Spec: spec, Action: action,
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
		Note:    "Synchronisation de l'annuaire depuis LDAP (Guichet)",
	})
	if err == nil {
		return nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return fmt.Errorf("identity: create directory schedule: %w", err)
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec = &spec
			s.Action = action
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
	if err != nil {
		return fmt.Errorf("identity: update directory schedule: %w", err)
	}
	return nil
}
