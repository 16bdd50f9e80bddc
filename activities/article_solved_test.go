package activities_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
	"guichet/workflows"
)

func TestAResolutionWithAnArticleCountsItSolvedOnceAndLinksItsDocuments(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		tech := f.people["tech"]
		article := &store.Article{AcademyCode: "creteil", Title: "Écran noir : vérifier le câble", Body: "Rebrancher.", Published: true}
		if err := db.CreateArticle(ctx, article); err != nil {
			t.Fatal(err)
		}
		docs := []store.Attachment{{UploaderID: tech, Filename: "procedure.pdf", ContentType: "application/pdf", Data: []byte("%PDF")}}
		if err := db.AddAttachments(ctx, f.number, docs); err != nil {
			t.Fatal(err)
		}
		s := f.state(2, workflows.StatusResolved)
		s.TechnicianID, s.Solution, s.ArticleID, s.ResolvedAt = tech, "Câble rebranché.", article.ID, time.Now()
		resolved := workflows.ProjectInput{Ticket: s, Events: []workflows.Event{{Seq: 2, Kind: workflows.EventResolved, ActorID: tech,
			Public: true, Body: "Câble rebranché.", Data: map[string]string{"article": strconv.FormatInt(article.ID, 10)},
			AttachmentIDs: []int64{docs[0].ID}, At: time.Now()}}}
		solved := func() int {
			t.Helper()
			a, err := db.GetArticle(ctx, article.ID)
			if err != nil {
				t.Fatal(err)
			}
			return a.SolvedCount
		}

		for _, attempt := range []string{"first", "retried"} {
			if _, err := f.acts.Project(ctx, resolved); err != nil {
				t.Fatalf("%s projection: %v", attempt, err)
			}
			if got := solved(); got != 1 {
				t.Errorf("after the %s projection the article solved %d tickets, want 1", attempt, got)
			}
		}
		got, err := db.TicketDocuments(ctx, f.number)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].EventSeq != 2 {
			t.Errorf("documents = %+v, want the one linked to the resolved event", got)
		}

		// A resolution naming no article, or one deleted meanwhile, counts nothing and fails nothing.
		s.Seq = 3
		other := workflows.ProjectInput{Ticket: s, Events: []workflows.Event{
			{Seq: 3, Kind: workflows.EventResolved, ActorID: tech, Public: true, Data: map[string]string{"article": ""}, At: time.Now()},
			{Seq: 4, Kind: workflows.EventResolved, ActorID: tech, Public: true, Data: map[string]string{"article": "999999"}, At: time.Now()},
			{Seq: 5, Kind: workflows.EventNote, ActorID: tech, Data: map[string]string{"article": strconv.FormatInt(article.ID, 10)}, At: time.Now()},
		}}
		s.Seq = 5
		other.Ticket = s
		if _, err := f.acts.Project(ctx, other); err != nil {
			t.Fatal(err)
		}
		if got := solved(); got != 1 {
			t.Errorf("events without a (live) article changed the count to %d", got)
		}
	})
}
