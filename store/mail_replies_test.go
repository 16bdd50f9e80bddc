package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestMailReplies(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Créteil"}); err != nil {
			t.Fatal(err)
		}
		p := &store.Person{AcademyCode: "creteil", Login: "agent", LastName: "AGENT", FirstName: "Camille", Email: "Camille.Agent@ac-creteil.fr"}
		if err := db.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		cat := &store.Category{AcademyCode: "creteil", Name: "Matériel"}
		if err := db.CreateCategoryUnaudited(ctx, cat); err != nil {
			t.Fatal(err)
		}
		number, err := db.CreateTicket(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: p.ID, BeneficiaryID: p.ID,
			CategoryID: cat.ID, CategoryPath: "Matériel", Urgency: 3, Impact: 3, Priority: 5, Description: "x"}, nil)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("a person's mails are French until they choose English", func(t *testing.T) {
			if lang, err := db.PersonLang(ctx, p.ID); err != nil || lang != store.LangFrench {
				t.Fatalf("PersonLang = %q, %v", lang, err)
			}
			if err := db.SetPersonLang(ctx, p.ID, store.LangEnglish); err != nil {
				t.Fatal(err)
			}
			if lang, _ := db.PersonLang(ctx, p.ID); lang != store.LangEnglish {
				t.Fatalf("PersonLang = %q", lang)
			}
			if err := db.SetPersonLang(ctx, p.ID, "de"); err == nil {
				t.Error("German accepted")
			}
			if _, err := db.PersonLang(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("unknown person: %v", err)
			}
		})

		t.Run("people are found by mail address whatever its case", func(t *testing.T) {
			ps, err := db.PeopleByEmail(ctx, " camille.agent@AC-CRETEIL.fr ")
			if err != nil || len(ps) != 1 || ps[0].ID != p.ID {
				t.Fatalf("PeopleByEmail = %v, %v", ps, err)
			}
		})

		t.Run("a reply is recorded once with its attachments", func(t *testing.T) {
			r := store.MailReply{MessageID: number + " a@mx", TicketNumber: number, PersonID: p.ID}
			files := []store.Attachment{{Filename: "a.txt", ContentType: "text/plain", Data: []byte("a")}}
			first, err := db.RecordMailReply(ctx, r, files)
			if err != nil {
				t.Fatal(err)
			}
			again, err := db.RecordMailReply(ctx, r, []store.Attachment{{Filename: "b.txt", ContentType: "text/plain", Data: []byte("b")}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(first.IDs(), again.IDs()) || len(first.IDs()) != 1 {
				t.Fatalf("ids %v then %v", first.IDs(), again.IDs())
			}
			as, err := db.Attachments(ctx, number)
			if err != nil || len(as) != 1 || as[0].UploaderID != p.ID || as[0].Size != 1 {
				t.Fatalf("attachments %+v, %v", as, err)
			}
			if err := db.MarkMailReplySignaled(ctx, r.MessageID, time.Now()); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.RecordMailReply(ctx, r, nil); got.SignaledAt == nil {
				t.Error("signalled time not kept")
			}
		})

		t.Run("a dropped reply takes its attachments with it", func(t *testing.T) {
			r := store.MailReply{MessageID: number + " b@mx", TicketNumber: number, PersonID: p.ID}
			if _, err := db.RecordMailReply(ctx, r, []store.Attachment{{Filename: "c.txt", ContentType: "text/plain", Data: []byte("c")}}); err != nil {
				t.Fatal(err)
			}
			if err := db.DeleteMailReply(ctx, r.MessageID); err != nil {
				t.Fatal(err)
			}
			if as, _ := db.Attachments(ctx, number); len(as) != 1 {
				t.Errorf("%d attachments left, want 1", len(as))
			}
			if err := db.DeleteMailReply(ctx, r.MessageID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second delete: %v", err)
			}
		})

		t.Run("the first mail of a ticket roots its thread", func(t *testing.T) {
			if _, err := db.FirstTicketMail(ctx, number); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("no mail yet: %v", err)
			}
			for _, k := range []string{"k1", "k2"} {
				if _, err := db.QueueMail(ctx, &store.Mail{DedupeKey: k, TicketNumber: number, ToAddr: "a@b", Subject: k,
					TextBody: k, MessageID: k + "@x"}); err != nil {
					t.Fatal(err)
				}
			}
			m, err := db.FirstTicketMail(ctx, number)
			if err != nil || m.MessageID != "k1@x" {
				t.Fatalf("FirstTicketMail = %+v, %v", m, err)
			}
		})
	})
}
