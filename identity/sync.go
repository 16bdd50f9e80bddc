package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"guichet/config"
	"guichet/store"
	"guichet/workflows"
)

// The directory synchronisation's workflow, its contract and its activities
// live in workflows/ (DirectorySyncWorkflow) and activities/ (Directory);
// this file holds the synchronisation itself, which the SyncAcademy
// activity runs, and the client side: starting it, scheduling it.

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
	run, err := c.ExecuteWorkflow(ctx, workflows.DirectorySyncStartOptions(workflows.TaskQueueOf(cfg.Temporal.TaskQueue)),
		workflows.DirectorySyncWorkflowName, workflows.DirectorySyncInput{Academies: academies})
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
	h := sc.GetHandle(ctx, workflows.DirectoryScheduleID)
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
	action := workflows.DirectorySyncScheduleAction(workflows.TaskQueueOf(cfg.Temporal.TaskQueue))
	_, err := sc.Create(ctx, client.ScheduleOptions{
		ID: workflows.DirectoryScheduleID, Spec: spec, Action: action,
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
