package intake_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"guichet/config"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
)

// spoolTicket is a submission with every kind of field the spool must keep.
func spoolTicket() *store.Ticket {
	return &store.Ticket{AcademyCode: "creteil", RequesterID: 1, BeneficiaryID: 2, CategoryID: 1,
		CategoryPath: "Réseau › Wi-Fi", Urgency: 2, Impact: 3, Priority: 4, Private: true,
		Phone: "01 57 02 60 00", Availability: "Le matin", Serial: "SN-42",
		Description: "Plus de Wi-Fi en salle 12 depuis ce matin.\n\nMerci !",
		CreatedAt:   time.Date(2026, 11, 28, 9, 30, 0, 0, time.UTC)}
}

func spoolFiles() []store.Attachment {
	return []store.Attachment{
		{Filename: "capture.png", ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff}},
		{Filename: "journal.txt", ContentType: "text/plain", Data: []byte("erreur 0x80070005\n")},
	}
}

func countTickets(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.NewSelect().Model((*store.Ticket)(nil)).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSubmitSpoolsWhileTheDatabaseIsDown(t *testing.T) {
	storetest.BackendsWithOutage(t, func(t *testing.T, db *store.DB, outage *storetest.Outage) {
		ctx := context.Background()
		svc := intake.New(db, &refusingStarter{}, config.Config{}, nil)
		svc.Spool = intake.NewSpool(t.TempDir())
		svc.RetryDelays = []time.Duration{10 * time.Millisecond, 20 * time.Millisecond}

		outage.Down(t)
		number, err := svc.Submit(ctx, spoolTicket(), spoolFiles())
		id, ok := intake.SpooledID(err)
		if !errors.Is(err, intake.ErrSpooled) || !ok || number != "" {
			t.Fatalf("submit = %q, %v; want the submission spooled", number, err)
		}
		ids, err := svc.Spool.IDs()
		if err != nil || len(ids) != 1 || ids[0] != id {
			t.Fatalf("spool = %v, %v; want [%s]", ids, err, id)
		}
		kept, err := svc.Spool.Get(id)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("the drainer leaves the entry while the database is still down", func(t *testing.T) {
			if n, err := svc.DrainSpool(ctx); err == nil || n != 0 {
				t.Fatalf("drain = %d, %v; want an error", n, err)
			}
			if ids, _ := svc.Spool.IDs(); len(ids) != 1 {
				t.Fatalf("spool = %v", ids)
			}
		})

		outage.Up(t)
		var stored string
		t.Run("once the database is back the drainer creates exactly one ticket with the same content", func(t *testing.T) {
			if n, err := svc.DrainSpool(ctx); err != nil || n != 1 {
				t.Fatalf("drain = %d, %v", n, err)
			}
			if ids, _ := svc.Spool.IDs(); len(ids) != 0 {
				t.Fatalf("spool after drain = %v", ids)
			}
			if got := countTickets(t, db); got != 1 {
				t.Fatalf("%d tickets, want 1", got)
			}
			if stored, err = db.TicketOfSubmission(ctx, id); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetTicket(ctx, stored)
			if err != nil {
				t.Fatal(err)
			}
			want := spoolTicket()
			if got.Description != want.Description || got.CategoryPath != want.CategoryPath ||
				got.Phone != want.Phone || got.Availability != want.Availability || got.Serial != want.Serial ||
				got.Urgency != want.Urgency || got.Priority != want.Priority || !got.Private ||
				got.BeneficiaryID != 2 || !got.CreatedAt.Equal(want.CreatedAt) || got.Status != store.StatusNew {
				t.Fatalf("ticket = %+v", got)
			}
			files, err := db.Attachments(ctx, stored)
			if err != nil || len(files) != 2 {
				t.Fatalf("attachments = %d, %v", len(files), err)
			}
			for i, f := range spoolFiles() {
				if files[i].Filename != f.Filename || files[i].ContentType != f.ContentType ||
					!bytes.Equal(files[i].Data, f.Data) || files[i].UploaderID != 1 {
					t.Errorf("attachment %d = %s %s %q", i, files[i].Filename, files[i].ContentType, files[i].Data)
				}
			}
			// Its workflow start is the resumer's business now (Temporal is down here).
			if pending, err := db.PendingTickets(ctx, 0, 10); err != nil || len(pending) != 1 {
				t.Fatalf("pending = %v, %v", pending, err)
			}
		})

		t.Run("a crash between the commit and the spool clean-up makes no second ticket", func(t *testing.T) {
			// The entry comes back as if the removal had never happened.
			if err := svc.Spool.Put(kept); err != nil {
				t.Fatal(err)
			}
			if n, err := svc.DrainSpool(ctx); err != nil || n != 1 {
				t.Fatalf("drain = %d, %v", n, err)
			}
			if got := countTickets(t, db); got != 1 {
				t.Fatalf("%d tickets, want 1", got)
			}
			if ids, _ := svc.Spool.IDs(); len(ids) != 0 {
				t.Fatalf("spool after the replay = %v", ids)
			}
			again, existed, err := db.CreateTicketOnce(ctx, id, spoolTicket(), nil)
			if err != nil || !existed || again != stored {
				t.Fatalf("create once = %q, %v, %v; want %q already there", again, existed, err, stored)
			}
		})

		t.Run("a submission while the database answers is stored at once", func(t *testing.T) {
			n, err := svc.Submit(ctx, spoolTicket(), nil)
			if err != nil || n == "" {
				t.Fatalf("submit = %q, %v", n, err)
			}
			if got := countTickets(t, db); got != 2 {
				t.Fatalf("%d tickets, want 2", got)
			}
		})
	})
}

func TestSubmitWithoutSpoolReportsTheOutage(t *testing.T) {
	db, outage := storetest.SQLiteWithOutage(t)
	svc := intake.New(db, &refusingStarter{}, config.Config{}, nil)
	svc.RetryDelays = []time.Duration{}
	outage.Down(t)
	_, err := svc.Submit(context.Background(), spoolTicket(), nil)
	if err == nil || errors.Is(err, intake.ErrSpooled) || !store.IsUnavailable(err) {
		t.Fatalf("submit = %v; want the database's unavailability", err)
	}
}

func TestSpoolFiles(t *testing.T) {
	dir := t.TempDir()
	sp := intake.NewSpool(dir)
	id, err := intake.NewSubmissionID()
	if err != nil {
		t.Fatal(err)
	}
	t.Run("an entry is one file, written without leftovers, read back whole", func(t *testing.T) {
		if err := sp.Put(&intake.SpoolEntry{ID: id, Ticket: *spoolTicket(), Files: spoolFiles()}); err != nil {
			t.Fatal(err)
		}
		des, _ := os.ReadDir(dir)
		if len(des) != 1 || des[0].Name() != id+".json" {
			t.Fatalf("directory = %v", des)
		}
		e, err := sp.Get(id)
		if err != nil || e.Ticket.Description != spoolTicket().Description || !bytes.Equal(e.Files[0].Data, spoolFiles()[0].Data) {
			t.Fatalf("get = %+v, %v", e, err)
		}
	})
	t.Run("a temporary file left by a crash is not an entry", func(t *testing.T) {
		if err := os.WriteFile(filepath.Join(dir, ".tmp-"+id+"-123"), []byte("{"), 0o600); err != nil {
			t.Fatal(err)
		}
		if ids, err := sp.IDs(); err != nil || len(ids) != 1 {
			t.Fatalf("ids = %v, %v", ids, err)
		}
	})
	t.Run("an ID that could leave the directory is refused", func(t *testing.T) {
		if err := sp.Put(&intake.SpoolEntry{ID: "../../etc/passwd"}); err == nil {
			t.Fatal("want an error")
		}
		if _, err := sp.Get("../x"); err == nil {
			t.Fatal("want an error")
		}
	})
	t.Run("a missing directory is an empty spool", func(t *testing.T) {
		if ids, err := intake.NewSpool(filepath.Join(dir, "absent")).IDs(); err != nil || len(ids) != 0 {
			t.Fatalf("ids = %v, %v", ids, err)
		}
	})
}
