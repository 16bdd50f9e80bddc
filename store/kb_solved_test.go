package store_test

import (
	"context"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

func TestAProjectedResolutionCountsItsArticleOnceAtMost(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		req := newPerson(t, db, "agent")
		number := newTicket(t, db, req)
		a := &store.Article{AcademyCode: "creteil", Title: "Écran noir", Body: "Vérifier le câble.", Published: true}
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		resolved := func(seq int64, article int64) []store.ProjectedEvent {
			return []store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: seq, Kind: "resolved", Public: true},
				SolvedArticleID: article}}
		}
		tests := []struct {
			name   string
			seq    int64
			events []store.ProjectedEvent
			want   int
		}{
			{"the first projection of the resolution counts the article", 2, resolved(2, a.ID), 1},
			{"a retried projection of the same event counts nothing more", 2, resolved(2, a.ID), 1},
			{"a later resolution (after a refusal) counts again", 4, resolved(4, a.ID), 2},
			{"an article deleted meanwhile is skipped without failing", 5, resolved(5, a.ID+1000), 2},
			{"a resolution without article counts nothing", 6, resolved(6, 0), 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := store.TicketProjection{Seq: tt.seq, Status: store.StatusResolved, Urgency: 3, Impact: 3, Priority: 5, Solution: "Fait."}
				if _, err := db.ApplyProjection(ctx, number, p, tt.events); err != nil {
					t.Fatal(err)
				}
				got, err := db.GetArticle(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.SolvedCount != tt.want {
					t.Errorf("solved count %d, want %d", got.SolvedCount, tt.want)
				}
			})
		}
	})
}
