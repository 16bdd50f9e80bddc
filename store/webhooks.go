package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// Delivery statuses of webhooks.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// WebhookSubscription sends an académie's ticket events to a URL. Its
// secret signs each delivery (HMAC-SHA256) and is shown to the
// administrator once; the Secret column holds only what derives it from
// the configured key (webhooks_secret.go), or, created without a key, the
// secret itself.
type WebhookSubscription struct {
	bun.BaseModel `bun:"table:webhook_subscriptions"`

	ID          int64  `bun:"id,pk,autoincrement"`
	AcademyCode string `bun:"academy_code,notnull"`
	URL         string `bun:"url,notnull"`
	Secret      string `bun:"secret,notnull"`
	// Events lists the event kinds sent, comma-separated; "" sends all.
	Events      string    `bun:"events,notnull,default:''"`
	Active      bool      `bun:"active,notnull,default:true"`
	CreatedByID int64     `bun:"created_by_id,notnull"`
	CreatedAt   time.Time `bun:"created_at,notnull"`
}

// Wants reports whether the subscription sends events of kind.
func (w *WebhookSubscription) Wants(kind string) bool {
	if strings.TrimSpace(w.Events) == "" {
		return true
	}
	return slices.Contains(w.EventList(), kind)
}

// EventList returns the subscribed event kinds (empty: all).
func (w *WebhookSubscription) EventList() []string {
	var out []string
	for _, k := range strings.Split(w.Events, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// WebhookDelivery is one ticket event to send to one subscription, and the
// log of its attempts.
type WebhookDelivery struct {
	bun.BaseModel `bun:"table:webhook_deliveries"`

	ID             int64      `bun:"id,pk,autoincrement"`
	SubscriptionID int64      `bun:"subscription_id,notnull"`
	AcademyCode    string     `bun:"academy_code,notnull"`
	TicketNumber   string     `bun:"ticket_number,notnull"`
	Seq            int64      `bun:"seq,notnull"`
	Event          string     `bun:"event,notnull"`
	Payload        string     `bun:"payload,notnull"` // the JSON body sent
	Status         string     `bun:"status,notnull"`
	Attempts       int        `bun:"attempts,notnull,default:0"`
	LastStatus     int        `bun:"last_status,notnull,default:0"` // HTTP status of the last attempt (0: none)
	LastError      string     `bun:"last_error,notnull,default:''"`
	CreatedAt      time.Time  `bun:"created_at,notnull"`
	UpdatedAt      time.Time  `bun:"updated_at,notnull"`
	DeliveredAt    *time.Time `bun:"delivered_at"`
}

// CreateWebhook subscribes a URL to an académie's ticket events with a new
// random secret derived with key (stored in clear with the zero key),
// sets w.ID, w.Secret (the stored form) and w.CreatedAt, and returns the
// signing secret, to be shown once.
func (db *DB) CreateWebhook(ctx context.Context, w *WebhookSubscription, key WebhookKey) (string, error) {
	stored, secret, err := key.newSecret()
	if err != nil {
		return "", fmt.Errorf("store: create webhook: %w", err)
	}
	w.ID = 0
	w.Secret = stored
	w.CreatedAt = time.Now().UTC()
	w.Active = true
	if _, err := db.NewInsert().Model(w).Exec(ctx); err != nil {
		return "", fmt.Errorf("store: create webhook: %w", err)
	}
	return secret, nil
}

// Webhooks lists the subscriptions of an académie, oldest first.
func (db *DB) Webhooks(ctx context.Context, academy string) ([]WebhookSubscription, error) {
	var ws []WebhookSubscription
	if err := db.NewSelect().Model(&ws).Where("academy_code = ?", academy).Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: webhooks of %s: %w", academy, err)
	}
	return ws, nil
}

// GetWebhook returns a subscription by ID.
func (db *DB) GetWebhook(ctx context.Context, id int64) (*WebhookSubscription, error) {
	w := new(WebhookSubscription)
	if err := db.NewSelect().Model(w).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: webhook %d: %w", id, notFound(err))
	}
	return w, nil
}

// DeleteWebhook removes subscription id of académie academy (its delivery
// log stays); ErrNotFound when the académie has no such subscription.
func (db *DB) DeleteWebhook(ctx context.Context, academy string, id int64) error {
	res, err := db.NewDelete().Model((*WebhookSubscription)(nil)).Where("id = ?", id).
		Where("academy_code = ?", academy).Exec(ctx)
	if err != nil {
		return fmt.Errorf("store: delete webhook %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete webhook %d: %w", id, ErrNotFound)
	}
	return nil
}

// WebhookEvent is a ticket event to send, with its JSON body.
type WebhookEvent struct {
	Seq     int64
	Kind    string
	Payload string
}

// EnqueueWebhookDeliveries records a delivery of each event to each active
// subscription of académie academy that wants it, and returns every pending
// delivery of these events (new or recorded by an earlier try), for the
// caller to start. It is idempotent: a delivery exists once per
// subscription, ticket and event.
func (db *DB) EnqueueWebhookDeliveries(ctx context.Context, academy, number string, events []WebhookEvent) ([]WebhookDelivery, error) {
	if len(events) == 0 {
		return nil, nil
	}
	var subs []WebhookSubscription
	if err := db.NewSelect().Model(&subs).Where("academy_code = ?", academy).Where("active = ?", true).
		Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: enqueue webhooks of %s: %w", number, err)
	}
	now := time.Now().UTC()
	var rows []WebhookDelivery
	var seqs []int64
	for _, ev := range events {
		for _, s := range subs {
			if !s.Wants(ev.Kind) {
				continue
			}
			rows = append(rows, WebhookDelivery{
				SubscriptionID: s.ID, AcademyCode: academy, TicketNumber: number, Seq: ev.Seq,
				Event: ev.Kind, Payload: ev.Payload, Status: DeliveryPending, CreatedAt: now, UpdatedAt: now,
			})
			seqs = append(seqs, ev.Seq)
		}
	}
	if len(rows) == 0 {
		return nil, nil
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return nil, fmt.Errorf("store: enqueue webhooks of %s: %w", number, err)
	}
	var pending []WebhookDelivery
	err := db.NewSelect().Model(&pending).Where("ticket_number = ?", number).
		Where("seq IN (?)", bun.In(seqs)).Where("status = ?", DeliveryPending).Order("id").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: enqueue webhooks of %s: %w", number, err)
	}
	return pending, nil
}

// GetWebhookDelivery returns a delivery by ID.
func (db *DB) GetWebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, error) {
	d := new(WebhookDelivery)
	if err := db.NewSelect().Model(d).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: webhook delivery %d: %w", id, notFound(err))
	}
	return d, nil
}

// WebhookAttempt is the outcome of one delivery attempt.
type WebhookAttempt struct {
	Attempt    int    // 1-based
	HTTPStatus int    // 0 when no answer came
	Error      string // "" on success
	Delivered  bool
}

// RecordWebhookAttempt logs an attempt of delivery id; a delivered one is
// final (a late duplicate attempt never turns it back).
func (db *DB) RecordWebhookAttempt(ctx context.Context, id int64, a WebhookAttempt) error {
	now := time.Now().UTC()
	q := db.NewUpdate().Model((*WebhookDelivery)(nil)).
		Set("attempts = ?", a.Attempt).Set("last_status = ?", a.HTTPStatus).
		Set("last_error = ?", sessionTruncate(a.Error, 500)).Set("updated_at = ?", now).
		Where("id = ?", id).Where("status <> ?", DeliveryDelivered)
	if a.Delivered {
		q = q.Set("status = ?", DeliveryDelivered).Set("delivered_at = ?", now)
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("store: record webhook attempt %d: %w", id, err)
	}
	return nil
}

// FailWebhookDelivery marks delivery id failed for good (retries spent).
func (db *DB) FailWebhookDelivery(ctx context.Context, id int64) error {
	if _, err := db.NewUpdate().Model((*WebhookDelivery)(nil)).Set("status = ?", DeliveryFailed).
		Set("updated_at = ?", time.Now().UTC()).
		Where("id = ?", id).Where("status = ?", DeliveryPending).Exec(ctx); err != nil {
		return fmt.Errorf("store: fail webhook delivery %d: %w", id, err)
	}
	return nil
}

// WebhookLogEntry is a delivery with its subscription's URL.
type WebhookLogEntry struct {
	WebhookDelivery
	URL string
}

// WebhookDeliveries returns the latest deliveries of an académie, newest
// first (limit defaults to 50).
func (db *DB) WebhookDeliveries(ctx context.Context, academy string, limit int) ([]WebhookLogEntry, error) {
	if limit <= 0 {
		limit = 50
	}
	var ds []WebhookDelivery
	if err := db.NewSelect().Model(&ds).Where("academy_code = ?", academy).
		Order("created_at DESC", "id DESC").Limit(limit).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: webhook deliveries of %s: %w", academy, err)
	}
	urls := map[int64]string{}
	var subs []WebhookSubscription
	if err := db.NewSelect().Model(&subs).Column("id", "url").Where("academy_code = ?", academy).Scan(ctx); err != nil {
		return nil, fmt.Errorf("store: webhook deliveries of %s: %w", academy, err)
	}
	for _, s := range subs {
		urls[s.ID] = s.URL
	}
	out := make([]WebhookLogEntry, len(ds))
	for i, d := range ds {
		out[i] = WebhookLogEntry{WebhookDelivery: d, URL: urls[d.SubscriptionID]}
	}
	return out, nil
}
