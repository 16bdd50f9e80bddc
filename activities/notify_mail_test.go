package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"guichet/mail"
	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

func TestNotifyWritesEachRecipientInTheirLanguageWithAReplyAddress(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		replies := mail.NewReplyAddresses("secret", "reponse.ac-creteil.fr")
		f.acts.ReplyTo = replies.Address
		tech := f.people["tech"]
		if err := db.SetPersonLang(ctx, f.people["collegue"], store.LangEnglish); err != nil {
			t.Fatal(err)
		}
		asked := f.state(3, workflows.StatusWaiting)
		asked.TechnicianID = tech
		asked.ValidationDueAt = time.Time{}
		if _, err := f.acts.Project(ctx, workflows.ProjectInput{Ticket: asked, Events: []workflows.Event{
			{Seq: 2, Kind: workflows.EventPickedUp, ActorID: tech, Public: true},
			{Seq: 3, Kind: workflows.EventInfoRequested, ActorID: tech, Public: true, Body: "Quel est le numéro de série ?"},
		}}); err != nil {
			t.Fatal(err)
		}
		for _, in := range []workflows.NotifyInput{
			{Kind: workflows.MailInfoRequested, Recipients: []string{workflows.RecipientRequester}, ExcludePersonID: tech, AboutSeq: 3},
			{Kind: workflows.MailInfoAdded, Recipients: []string{workflows.RecipientTechnician}, AboutSeq: 3},
		} {
			in.Number, in.Academy = f.number, "creteil"
			in.DedupeKey = f.number + ":3:" + in.Kind
			if _, err := f.acts.Notify(ctx, in); err != nil {
				t.Fatal(err)
			}
		}
		ms, err := db.ListMailsForTicket(ctx, f.number)
		if err != nil {
			t.Fatal(err)
		}
		byAddr := map[string]*store.Mail{}
		for i := range ms {
			full, err := db.GetMail(ctx, ms[i].ID)
			if err != nil {
				t.Fatal(err)
			}
			byAddr[ms[i].ToAddr+" "+strings.SplitN(strings.SplitN(ms[i].DedupeKey, "|", 2)[0], ":", 3)[2]] = full
		}
		t.Run("the requester gets the French question with a signed Reply-To", func(t *testing.T) {
			m := byAddr["agent@ac-creteil.fr info_requested"]
			if m == nil {
				t.Fatalf("no mail: %v", byAddr)
			}
			if !strings.Contains(m.Subject, "demande de précisions") || !strings.Contains(m.TextBody, "Quel est le numéro de série ?") ||
				!strings.Contains(m.TextBody, "en répondant à ce message") {
				t.Errorf("mail %q:\n%s", m.Subject, m.TextBody)
			}
			if !strings.Contains(string(m.Raw), "Reply-To: <"+replies.Address(f.number)+">") {
				t.Errorf("no signed Reply-To in\n%s", m.Raw[:600])
			}
		})
		t.Run("the beneficiary who chose English gets it in English", func(t *testing.T) {
			m := byAddr["collegue@ac-creteil.fr info_requested"]
			if m == nil || !strings.Contains(m.Subject, "more information needed") || !strings.HasPrefix(m.TextBody, "Hello Dominique COLLEGUE,") {
				t.Errorf("mail %+v", m)
			}
		})
		t.Run("the technician's mail has no Reply-To and asks not to reply", func(t *testing.T) {
			m := byAddr["tech@ac-creteil.fr info_added"]
			if m == nil {
				t.Fatalf("no mail: %v", byAddr)
			}
			if strings.Contains(string(m.Raw), "\nReply-To:") || !strings.Contains(m.TextBody, "merci de ne pas y répondre") {
				t.Errorf("mail:\n%s", m.Raw)
			}
		})
	})
}
