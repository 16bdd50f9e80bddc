package store

// Supervisors' dashboard: aggregates of an académie's tickets computed in
// SQL that runs on both SQLite and PostgreSQL (only the difference of two
// timestamps needs a dialect-specific expression), and the rows of the CSV
// export.

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// openStatuses are the statuses of tickets not yet closed or cancelled.
func openStatuses() []string {
	return []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved}
}

// pickupBuckets are the upper bounds of the pick-up time distribution (the
// last bucket is unbounded).
func pickupBuckets() []time.Duration {
	return []time.Duration{10 * time.Minute, 30 * time.Minute, time.Hour, 4 * time.Hour, 24 * time.Hour}
}

// resolutionBuckets are the upper bounds of the resolution time
// distribution (the last bucket is unbounded).
func resolutionBuckets() []time.Duration {
	return []time.Duration{time.Hour, 4 * time.Hour, 24 * time.Hour, 3 * 24 * time.Hour, 7 * 24 * time.Hour}
}

// DashboardQuery says what to aggregate.
type DashboardQuery struct {
	Academy string
	// From and To bound the period (To excluded): tickets created, picked up,
	// resolved or closed in it.
	From, To time.Time
	// Now is the instant "open" and "late" are judged at.
	Now time.Time
	// BacklogEnds are the instants the backlog is counted at (typically
	// the end of each of the last weeks' days), in order.
	BacklogEnds []time.Time
}

// Count is a number of tickets for one key (a status, a priority).
type Count struct {
	Key string
	N   int
}

// Bucket is one bar of a time distribution: tickets whose duration is at
// most Upper (and above the previous bucket's); Upper is 0 for the last,
// unbounded bucket.
type Bucket struct {
	Upper time.Duration
	N     int
}

// BacklogPoint is the number of open tickets at an instant.
type BacklogPoint struct {
	At   time.Time
	Open int
}

// TechnicianStat is one technician's load.
type TechnicianStat struct {
	PersonID int64
	Name     string
	// Open tickets assigned now (in progress or waiting); Resolved in the
	// period.
	Open, Resolved int
}

// Dashboard is the supervisors' view of an académie.
type Dashboard struct {
	// Now: open tickets by status and by priority (P1…P5), and late ones.
	OpenByStatus   []Count
	OpenByPriority []Count
	OpenTotal      int
	LateOpen       int
	// Period: tickets created, and the pick-up deadline record of those
	// whose deadline has passed or that were picked up.
	Created      int
	PickupDue    int
	PickupOnTime int
	// Distributions of the time from creation to pick-up (tickets picked up
	// in the period) and to resolution (resolved in the period).
	PickupTimes     []Bucket
	ResolutionTimes []Bucket
	// Satisfaction of tickets closed in the period: averages of the two
	// ratings (1–5) over the rated ones; refusals among those resolved.
	Rated         int
	AvgDelay      float64
	AvgQuality    float64
	Resolved      int
	ResolvedTwice int // resolved tickets refused at least once
	// Backlog over time and load per technician.
	Backlog []BacklogPoint
	Load    []TechnicianStat
}

// OnTimeRate is PickupOnTime / PickupDue (0 when none was due).
func (d *Dashboard) OnTimeRate() float64 {
	if d.PickupDue == 0 {
		return 0
	}
	return float64(d.PickupOnTime) / float64(d.PickupDue)
}

// RefusalRate is ResolvedTwice / Resolved (0 when none was resolved).
func (d *Dashboard) RefusalRate() float64 {
	if d.Resolved == 0 {
		return 0
	}
	return float64(d.ResolvedTwice) / float64(d.Resolved)
}

// secondsBetween is the SQL expression of b - a in seconds.
func (db *DB) secondsBetween(a, b string) string {
	if db.Dialect().Name() == dialect.PG {
		return "EXTRACT(EPOCH FROM (" + b + " - " + a + "))"
	}
	return "((julianday(" + b + ") - julianday(" + a + ")) * 86400.0)"
}

// closedExpr is when a ticket left the backlog (closed or cancelled).
const closedExpr = "COALESCE(closed_at, CASE WHEN status IN ('closed', 'cancelled') THEN updated_at END)"

// Dashboard computes the dashboard of q.Academy.
func (db *DB) Dashboard(ctx context.Context, q DashboardQuery) (*Dashboard, error) {
	q.From, q.To, q.Now = q.From.UTC(), q.To.UTC(), q.Now.UTC()
	d := &Dashboard{}
	for _, step := range []func(context.Context, DashboardQuery, *Dashboard) error{
		db.dashOpen, db.dashPeriod, db.dashDistributions, db.dashSatisfaction, db.dashBacklog, db.dashLoad,
	} {
		if err := step(ctx, q, d); err != nil {
			return nil, fmt.Errorf("store: dashboard of %s: %w", q.Academy, err)
		}
	}
	return d, nil
}

func (db *DB) dashOpen(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	var rows []struct {
		Status   string `bun:"status"`
		Priority int    `bun:"priority"`
		Late     int    `bun:"late"`
		N        int    `bun:"n"`
	}
	if err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("status, priority").
		ColumnExpr("COALESCE(SUM(CASE WHEN late = ? THEN 1 ELSE 0 END), 0) AS late", true).
		ColumnExpr("COUNT(*) AS n").
		Where("academy_code = ?", q.Academy).Where("status IN (?)", bun.In(openStatuses())).
		GroupExpr("status, priority").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("open tickets: %w", err)
	}
	byStatus, byPriority := map[string]int{}, map[int]int{}
	for _, r := range rows {
		byStatus[r.Status] += r.N
		byPriority[r.Priority] += r.N
		d.OpenTotal += r.N
		d.LateOpen += r.Late
	}
	for _, s := range openStatuses() {
		d.OpenByStatus = append(d.OpenByStatus, Count{Key: s, N: byStatus[s]})
	}
	for p := 1; p <= 5; p++ {
		d.OpenByPriority = append(d.OpenByPriority, Count{Key: fmt.Sprintf("P%d", p), N: byPriority[p]})
	}
	return nil
}

func (db *DB) dashPeriod(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	var r struct {
		Created int `bun:"created"`
		Due     int `bun:"due"`
		OnTime  int `bun:"on_time"`
	}
	if err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("COUNT(*) AS created").
		ColumnExpr("COALESCE(SUM(CASE WHEN pickup_due_at IS NOT NULL AND (picked_up_at IS NOT NULL OR pickup_due_at < ?) THEN 1 ELSE 0 END), 0) AS due", q.Now).
		ColumnExpr("COALESCE(SUM(CASE WHEN pickup_due_at IS NOT NULL AND picked_up_at IS NOT NULL AND picked_up_at <= pickup_due_at THEN 1 ELSE 0 END), 0) AS on_time").
		Where("academy_code = ?", q.Academy).Where("created_at >= ?", q.From).Where("created_at < ?", q.To).
		Scan(ctx, &r); err != nil {
		return fmt.Errorf("period: %w", err)
	}
	d.Created, d.PickupDue, d.PickupOnTime = r.Created, r.Due, r.OnTime
	return nil
}

// distribution counts the tickets of the period per bucket of the time
// from created_at to column (tickets whose column falls in the period).
func (db *DB) distribution(ctx context.Context, q DashboardQuery, column string, bounds []time.Duration) ([]Bucket, error) {
	var cases strings.Builder
	cases.WriteString("CASE")
	for i, b := range bounds {
		fmt.Fprintf(&cases, " WHEN d <= %d THEN %d", int64(b/time.Second), i)
	}
	fmt.Fprintf(&cases, " ELSE %d END", len(bounds))
	query := "SELECT " + cases.String() + " AS bucket, COUNT(*) AS n FROM (SELECT " +
		db.secondsBetween("created_at", column) + " AS d FROM tickets WHERE academy_code = ? AND " +
		column + " IS NOT NULL AND " + column + " >= ? AND " + column + " < ?) x GROUP BY 1"
	rows, err := db.QueryContext(ctx, query, q.Academy, q.From, q.To)
	if err != nil {
		return nil, fmt.Errorf("distribution of %s: %w", column, err)
	}
	defer rows.Close()
	out := make([]Bucket, len(bounds)+1)
	for i, b := range bounds {
		out[i].Upper = b
	}
	for rows.Next() {
		var b, n int
		if err := rows.Scan(&b, &n); err != nil {
			return nil, fmt.Errorf("distribution of %s: %w", column, err)
		}
		if b >= 0 && b < len(out) {
			out[b].N = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("distribution of %s: %w", column, err)
	}
	return out, nil
}

func (db *DB) dashDistributions(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	var err error
	if d.PickupTimes, err = db.distribution(ctx, q, "picked_up_at", pickupBuckets()); err != nil {
		return err
	}
	d.ResolutionTimes, err = db.distribution(ctx, q, "resolved_at", resolutionBuckets())
	return err
}

func (db *DB) dashSatisfaction(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	var r struct {
		Rated   int             `bun:"rated"`
		Delay   sql.NullFloat64 `bun:"delay"`
		Quality sql.NullFloat64 `bun:"quality"`
	}
	if err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("COUNT(*) AS rated").
		ColumnExpr("AVG(CASE WHEN rating_delay > 0 THEN rating_delay END) AS delay").
		ColumnExpr("AVG(CASE WHEN rating_quality > 0 THEN rating_quality END) AS quality").
		Where("academy_code = ?", q.Academy).Where("closed_at >= ?", q.From).Where("closed_at < ?", q.To).
		Where("(rating_delay > 0 OR rating_quality > 0)").
		Scan(ctx, &r); err != nil {
		return fmt.Errorf("satisfaction: %w", err)
	}
	d.Rated, d.AvgDelay, d.AvgQuality = r.Rated, r.Delay.Float64, r.Quality.Float64
	var s struct {
		Resolved int `bun:"resolved"`
		Refused  int `bun:"refused"`
	}
	if err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("COUNT(*) AS resolved").
		ColumnExpr("COALESCE(SUM(CASE WHEN refusals > 0 THEN 1 ELSE 0 END), 0) AS refused").
		Where("academy_code = ?", q.Academy).Where("resolved_at >= ?", q.From).Where("resolved_at < ?", q.To).
		Scan(ctx, &s); err != nil {
		return fmt.Errorf("refusals: %w", err)
	}
	d.Resolved, d.ResolvedTwice = s.Resolved, s.Refused
	return nil
}

func (db *DB) dashBacklog(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	if len(q.BacklogEnds) == 0 {
		return nil
	}
	ends := make([]time.Time, len(q.BacklogEnds))
	for i, e := range q.BacklogEnds {
		ends[i] = e.UTC()
	}
	var sb strings.Builder
	var args []any
	sb.WriteString("SELECT ")
	for i, e := range ends {
		if i > 0 {
			sb.WriteString(", ")
		}
		fmt.Fprintf(&sb, "COALESCE(SUM(CASE WHEN created_at < ? AND (%s IS NULL OR %s >= ?) THEN 1 ELSE 0 END), 0)", closedExpr, closedExpr)
		args = append(args, e, e)
	}
	sb.WriteString(" FROM tickets WHERE academy_code = ? AND created_at < ?")
	args = append(args, q.Academy, slices.MaxFunc(ends, func(a, b time.Time) int { return a.Compare(b) }))
	counts := make([]int, len(ends))
	dest := make([]any, len(ends))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := db.QueryRowContext(ctx, sb.String(), args...).Scan(dest...); err != nil {
		return fmt.Errorf("backlog: %w", err)
	}
	for i, e := range q.BacklogEnds {
		d.Backlog = append(d.Backlog, BacklogPoint{At: e, Open: counts[i]})
	}
	return nil
}

func (db *DB) dashLoad(ctx context.Context, q DashboardQuery, d *Dashboard) error {
	var rows []struct {
		TechnicianID int64 `bun:"technician_id"`
		Open         int   `bun:"open"`
		Resolved     int   `bun:"resolved"`
	}
	if err := db.NewSelect().Model((*Ticket)(nil)).
		ColumnExpr("technician_id").
		ColumnExpr("COALESCE(SUM(CASE WHEN status IN (?) THEN 1 ELSE 0 END), 0) AS open", bun.In([]string{StatusInProgress, StatusWaiting})).
		ColumnExpr("COALESCE(SUM(CASE WHEN resolved_at >= ? AND resolved_at < ? THEN 1 ELSE 0 END), 0) AS resolved", q.From, q.To).
		Where("academy_code = ?", q.Academy).Where("technician_id IS NOT NULL").
		GroupExpr("technician_id").Scan(ctx, &rows); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.TechnicianID)
	}
	names, err := db.personNames(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Open == 0 && r.Resolved == 0 {
			continue
		}
		d.Load = append(d.Load, TechnicianStat{PersonID: r.TechnicianID, Name: names[r.TechnicianID], Open: r.Open, Resolved: r.Resolved})
	}
	slices.SortFunc(d.Load, func(a, b TechnicianStat) int {
		return cmp.Or(cmp.Compare(b.Open, a.Open), cmp.Compare(b.Resolved, a.Resolved), strings.Compare(a.Name, b.Name))
	})
	return nil
}

// ExportRow is one ticket of the CSV export, with names resolved.
type ExportRow struct {
	Ticket
	Requester   string
	Beneficiary string
	Group       string
	Technician  string
}

// ExportTickets returns the tickets of an académie created in [from, to),
// oldest first, for the CSV export.
func (db *DB) ExportTickets(ctx context.Context, academy string, from, to time.Time) ([]ExportRow, error) {
	var ts []Ticket
	if err := db.NewSelect().Model(&ts).ExcludeColumn("description", "solution", "validation_comment").
		Where("academy_code = ?", academy).Where("created_at >= ?", from.UTC()).Where("created_at < ?", to.UTC()).
		Order("created_at", "number").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: export tickets of %s: %w", academy, err)
	}
	ids, gids := ticketParties(ts)
	names, err := db.personNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	groups, err := db.groupNames(ctx, gids)
	if err != nil {
		return nil, fmt.Errorf("store: export groups: %w", err)
	}
	out := make([]ExportRow, len(ts))
	for i, t := range ts {
		r := ExportRow{Ticket: t, Requester: names[t.RequesterID], Beneficiary: names[t.BeneficiaryID]}
		if t.GroupID != nil {
			r.Group = groups[*t.GroupID]
		}
		if t.TechnicianID != nil {
			r.Technician = names[*t.TechnicianID]
		}
		out[i] = r
	}
	return out, nil
}
