package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

func TestArticlesCountTheProblemsTheySolvedWithoutATicket(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		agent := newPerson(t, db, "agent")
		collegue := newPerson(t, db, "collegue")
		session := func(person int64) string {
			t.Helper()
			_, s, err := db.CreateSession(ctx, person, time.Hour, 8*time.Hour, "127.0.0.1", "test")
			if err != nil {
				t.Fatal(err)
			}
			return s.ID
		}
		article := func(title, academy string) int64 {
			t.Helper()
			a := &store.Article{AcademyCode: academy, Title: title, Body: "Vérifier le câble.", Published: true}
			if err := db.CreateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		screen, printer, wifi := article("Écran noir", "creteil"), article("Bourrage papier", "creteil"), article("Wifi", "rouen")
		without := func(t *testing.T, id int64) int {
			t.Helper()
			c, err := db.ArticleSolvedCounts(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return c.WithoutTicket
		}
		agentSession := session(agent)

		t.Run("saying the article solved the problem counts it once per person", func(t *testing.T) {
			tests := []struct {
				name        string
				person      int64
				wantCounted bool
				want        int
			}{
				{"the first click counts", agent, true, 1},
				{"a reload of the same person counts nothing more", agent, false, 1},
				{"another person counts too", collegue, true, 2},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					counted, err := db.CountSolvedWithoutTicket(ctx, "", tt.person, screen)
					if err != nil {
						t.Fatal(err)
					}
					if counted != tt.wantCounted || without(t, screen) != tt.want {
						t.Errorf("counted %v, count %d; want %v, %d", counted, without(t, screen), tt.wantCounted, tt.want)
					}
				})
			}
		})

		t.Run("an unknown article is not found", func(t *testing.T) {
			if _, err := db.CountSolvedWithoutTicket(ctx, "", agent, wifi+1000); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("err = %v", err)
			}
		})

		t.Run("cancelling the form counts the suggestion read last, then forgets the session's", func(t *testing.T) {
			for _, id := range []int64{wifi, printer} {
				if err := db.RecordSuggestionView(ctx, agentSession, agent, id); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond) // distinct view dates
			}
			id, counted, err := db.AbandonIncidentForm(ctx, agentSession, agent)
			if err != nil {
				t.Fatal(err)
			}
			if id != printer || !counted || without(t, printer) != 1 || without(t, wifi) != 0 {
				t.Errorf("article %d counted %v; printer %d, wifi %d", id, counted, without(t, printer), without(t, wifi))
			}
			id, counted, err = db.AbandonIncidentForm(ctx, agentSession, agent)
			if err != nil || id != 0 || counted {
				t.Errorf("second cancel: article %d counted %v err %v", id, counted, err)
			}
		})

		t.Run("a suggestion read again after it was counted is not counted twice", func(t *testing.T) {
			if err := db.RecordSuggestionView(ctx, agentSession, agent, printer); err != nil {
				t.Fatal(err)
			}
			id, counted, err := db.AbandonIncidentForm(ctx, agentSession, agent)
			if err != nil || id != printer || counted || without(t, printer) != 1 {
				t.Errorf("article %d counted %v err %v count %d", id, counted, err, without(t, printer))
			}
		})

		t.Run("a suggestion read before a ticket was filed is not counted when a later form is cancelled", func(t *testing.T) {
			s := session(collegue)
			if err := db.RecordSuggestionView(ctx, s, collegue, printer); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond)
			if _, err := db.CreateTicket(ctx, newSubmission(collegue), nil); err != nil {
				t.Fatal(err)
			}
			id, counted, err := db.AbandonIncidentForm(ctx, s, collegue)
			if err != nil || id != 0 || counted || without(t, printer) != 1 {
				t.Errorf("article %d counted %v err %v count %d", id, counted, err, without(t, printer))
			}
		})

		t.Run("the views of another session are not counted", func(t *testing.T) {
			other := session(agent)
			if err := db.RecordSuggestionView(ctx, other, agent, wifi); err != nil {
				t.Fatal(err)
			}
			id, counted, err := db.AbandonIncidentForm(ctx, agentSession, agent)
			if err != nil || id != 0 || counted {
				t.Errorf("article %d counted %v err %v", id, counted, err)
			}
		})

		t.Run("the dashboard sums both counters of an académie and ranks its articles", func(t *testing.T) {
			if err := db.CountArticleSolved(ctx, printer); err != nil {
				t.Fatal(err)
			}
			k, err := db.KnowledgeStats(ctx, "creteil", 5)
			if err != nil {
				t.Fatal(err)
			}
			if k.WithTicket != 1 || k.WithoutTicket != 3 {
				t.Errorf("totals %+v", k.SolvedCounts)
			}
			// Two problems each: the older article first.
			if len(k.Top) != 2 || k.Top[0].ID != screen || k.Top[0].Title != "Écran noir" || k.Top[0].WithoutTicket != 2 ||
				k.Top[1].ID != printer || k.Top[1].WithTicket != 1 || k.Top[1].WithoutTicket != 1 {
				t.Errorf("top %+v", k.Top)
			}
			empty, err := db.KnowledgeStats(ctx, "versailles", 5)
			if err != nil || empty.WithTicket != 0 || empty.WithoutTicket != 0 || len(empty.Top) != 0 {
				t.Errorf("empty académie: %+v %v", empty, err)
			}
		})
	})
}
