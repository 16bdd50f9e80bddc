package activities

import (
	"context"

	"go.temporal.io/sdk/activity"

	"guichet/identity"
	"guichet/workflows"
)

// Directory holds the activities of workflows.DirectorySyncWorkflow. Each
// exported method is registered under its own name, the
// workflows.ActivityListSyncAcademies and workflows.ActivitySyncAcademy
// constants.
type Directory struct {
	Identity *identity.Service
}

// ListSyncAcademies lists the académies with an LDAP directory.
func (d *Directory) ListSyncAcademies(context.Context) ([]string, error) {
	return d.Identity.LDAPAcademies(), nil
}

// SyncAcademy synchronises one académie, heartbeating every second with
// the entries seen (also while a directory search is in flight, so a
// killed worker's attempt times out on its heartbeat in seconds); the run
// is recorded with the workflow ID.
func (d *Directory) SyncAcademy(ctx context.Context, academy string) (workflows.AcademySyncResult, error) {
	detail := ""
	if activity.IsActivity(ctx) {
		detail = activity.GetInfo(ctx).WorkflowExecution.ID
	}
	hb := startHeartbeats(ctx)
	run, err := d.Identity.SyncAcademy(ctx, academy, detail, func(seen int) { hb.report(int64(seen)) })
	hb.stop()
	res := workflows.AcademySyncResult{Academy: academy}
	if run != nil {
		res = workflows.AcademySyncResult{Academy: academy, RunID: run.ID, Seen: run.Seen, Added: run.Added,
			Updated: run.Updated, Disabled: run.Disabled, Errors: run.Errors}
	}
	return res, err
}
