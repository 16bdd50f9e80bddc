package bench

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"guichet/store"
	"guichet/store/storetest"
)

// threeAcademies creates three académies with one category each.
func threeAcademies(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{"creteil", "rouen", "versailles"} {
		if err := db.UpsertAcademy(ctx, &store.Academy{Code: code, Name: "Académie " + code}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCategoryUnaudited(ctx, &store.Category{AcademyCode: code, Name: "Matériel"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGeneratedArticlesSpreadOverThreeAcadémiesAndAreFoundBySearch(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		threeAcademies(t, db)
		const n = 48
		res, err := Generate(ctx, db, GenerateOptions{Articles: n, People: 3, Technicians: 1,
			Academies: []string{"creteil", "rouen", "versailles"}})
		if err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			AcademyCode string `bun:"academy_code"`
			Shared      bool   `bun:"shared"`
			Published   bool   `bun:"published"`
			AuthorID    *int64 `bun:"author_id"`
		}
		if err := db.NewSelect().Table("kb_articles").Column("academy_code", "shared", "published", "author_id").Scan(ctx, &rows); err != nil {
			t.Fatal(err)
		}
		perAcademy, shared, drafts, authored := map[string]int{}, 0, 0, 0
		for _, r := range rows {
			perAcademy[r.AcademyCode]++
			if r.Shared {
				shared++
			}
			if !r.Published {
				drafts++
			}
			if r.AuthorID != nil && *r.AuthorID != 0 {
				authored++
			}
		}
		tests := []struct {
			name      string
			got, want int
		}{
			{"every article is stored and reported", len(rows), res.Articles},
			{"every article asked for is written", res.Articles, n},
			{"a third goes to Créteil", perAcademy["creteil"], n / 3},
			{"a third goes to Rouen", perAcademy["rouen"], n / 3},
			{"a third goes to Versailles", perAcademy["versailles"], n / 3},
			{"one in eight is shared", shared, n / 8},
			{"one in ten is a draft", drafts, (n + 9) / 10},
			{"every article has a generated technician as author", authored, n},
			{"no ticket is written", res.Tickets, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.got != tt.want {
					t.Errorf("got %d, want %d", tt.got, tt.want)
				}
			})
		}
		t.Run("the French search finds them, accents and plurals folded", func(t *testing.T) {
			v := store.Viewer{PersonID: 1, AcademyCode: "rouen"}
			hits, _, err := db.SearchArticles(ctx, v, store.ArticleSearch{Query: "ecrans", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatal("no article found for « ecrans »")
			}
			for _, h := range hits {
				if !h.Published || (h.AcademyCode != "rouen" && !h.Shared) {
					t.Errorf("hit %q of %s (shared %v, published %v) is not visible to Rouen", h.Title, h.AcademyCode, h.Shared, h.Published)
				}
			}
		})
	})
}

func TestGeneratedTicketsAreConsistentAndKeepTheVisibilityRules(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		threeAcademies(t, db)
		focus := &store.Person{AcademyCode: "creteil", Login: "agent.creteil", FirstName: "Agent", LastName: "Créteil", Entity: "Lycée Condorcet"}
		if err := db.CreatePerson(ctx, focus); err != nil {
			t.Fatal(err)
		}
		const n, people, techs = 2400, 12, 2
		o := GenerateOptions{Tickets: n, Articles: 6, People: people, Technicians: techs, Focus: focus.ID, Attachments: true, Seed: 7}
		res, err := Generate(ctx, db, o)
		if err != nil {
			t.Fatal(err)
		}
		count := func(t *testing.T, q string, args ...any) int {
			t.Helper()
			var c int
			if err := db.NewRaw(q, args...).Scan(ctx, &c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		t.Run("the counts are the ones asked and reported", func(t *testing.T) {
			gen, real, err := CountTickets(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want int
			}{
				{"generated tickets", gen, n}, {"real tickets", real, 0}, {"reported tickets", res.Tickets, n},
				{"tickets indexed", res.Indexed, n},
				{"search entries", count(t, "SELECT COUNT(*) FROM ticket_search"), n},
				{"events", count(t, "SELECT COUNT(*) FROM ticket_events"), res.Events},
				{"attachments", count(t, "SELECT COUNT(*) FROM attachments"), n / 20},
				{"people created", res.PeopleCreated, 3 * (people + techs)},
				{"technician grants", count(t, "SELECT COUNT(*) FROM role_grants WHERE role = ?", store.RoleTechnician), 3 * techs},
				{"Créteil's tickets", count(t, "SELECT COUNT(*) FROM tickets WHERE academy_code = 'creteil'"), n / 3},
				{"tickets filed by the focus person", count(t, "SELECT COUNT(*) FROM tickets WHERE requester_id = ?", focus.ID), n / 400},
				{"tickets filed for the focus person by someone else",
					count(t, "SELECT COUNT(*) FROM tickets WHERE beneficiary_id = ? AND requester_id <> ?", focus.ID, focus.ID), n / 800},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %d, want %d", c.name, c.got, c.want)
				}
			}
		})
		t.Run("every timeline starts with its creation and ends at the ticket's sequence", func(t *testing.T) {
			for _, c := range []struct {
				name string
				q    string
			}{
				{"tickets without a created event first",
					"SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_number = t.number AND e.seq = 1 AND e.kind = 'created')"},
				{"tickets whose last event is not their projected sequence",
					"SELECT COUNT(*) FROM tickets t WHERE t.projected_seq <> (SELECT MAX(e.seq) FROM ticket_events e WHERE e.ticket_number = t.number)"},
				{"tickets updated before their last event",
					"SELECT COUNT(*) FROM tickets t WHERE t.updated_at < (SELECT MAX(e.created_at) FROM ticket_events e WHERE e.ticket_number = t.number)"},
				{"closed or resolved tickets without solution or resolution date",
					"SELECT COUNT(*) FROM tickets WHERE status IN ('resolved', 'closed') AND (solution = '' OR resolved_at IS NULL)"},
				{"picked-up tickets without a technician",
					"SELECT COUNT(*) FROM tickets WHERE status IN ('in_progress', 'waiting', 'resolved', 'closed') AND (technician_id IS NULL OR picked_up_at IS NULL)"},
				{"new tickets with a technician", "SELECT COUNT(*) FROM tickets WHERE status = 'new' AND technician_id IS NOT NULL"},
				{"closed or cancelled tickets without a closing date",
					"SELECT COUNT(*) FROM tickets WHERE status IN ('closed', 'cancelled') AND closed_at IS NULL"},
				{"waiting tickets whose last public event is not a question",
					"SELECT COUNT(*) FROM tickets t WHERE t.status = 'waiting' AND (SELECT e.kind FROM ticket_events e WHERE e.ticket_number = t.number ORDER BY e.seq DESC LIMIT 1) <> 'info_requested'"},
				{"tickets whose workflow would be started again", "SELECT COUNT(*) FROM tickets WHERE workflow_started_at IS NULL"},
				{"tickets of a requester from another académie",
					"SELECT COUNT(*) FROM tickets t JOIN people p ON p.id = t.requester_id WHERE p.academy_code <> t.academy_code AND t.requester_id <> " + strconv.FormatInt(focus.ID, 10)},
				{"tickets whose entity is not their beneficiary's",
					"SELECT COUNT(*) FROM tickets t JOIN people p ON p.id = t.beneficiary_id WHERE p.entity <> t.entity"},
			} {
				if got := count(t, c.q); got != 0 {
					t.Errorf("%s: %d", c.name, got)
				}
			}
			for _, status := range []string{store.StatusNew, store.StatusInProgress, store.StatusWaiting, store.StatusResolved, store.StatusClosed, store.StatusCancelled} {
				if count(t, "SELECT COUNT(*) FROM tickets WHERE status = ?", status) == 0 {
					t.Errorf("no %s ticket among %d", status, n)
				}
			}
			private := count(t, "SELECT COUNT(*) FROM tickets WHERE private = ?", true)
			if private == 0 || private > n/4 {
				t.Errorf("%d private tickets out of %d", private, n)
			}
			notes := count(t, "SELECT COUNT(*) FROM ticket_events WHERE public = ?", false)
			replies := count(t, "SELECT COUNT(*) FROM ticket_events WHERE kind = 'reply' AND body <> ''")
			if notes == 0 || replies == 0 {
				t.Errorf("%d internal notes and %d replies with a body", notes, replies)
			}
		})

		requester, err := db.GetPersonByLogin(ctx, GeneratedLoginPrefix+".rouen.00003")
		if err != nil {
			t.Fatal(err)
		}
		tech, err := db.GetPersonByLogin(ctx, GeneratedTechLoginPrefix+".rouen.00001")
		if err != nil {
			t.Fatal(err)
		}
		grants, err := db.Roles(ctx, tech.ID)
		if err != nil {
			t.Fatal(err)
		}
		viewers := map[string]store.Viewer{
			"a generated requester":     store.NewViewer(requester, nil),
			"a generated technician":    store.NewViewer(tech, grants),
			"the focus person":          store.NewViewer(focus, nil),
			"someone of another entity": {PersonID: 999999, AcademyCode: "rouen", Entity: "Ailleurs"},
		}
		t.Run("the search finds generated tickets and only visible ones", func(t *testing.T) {
			for name, v := range viewers {
				hits, _, err := db.SearchTickets(ctx, v, store.TicketSearch{Query: "imprimantes", Limit: 100})
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) == 0 && name != "someone of another entity" {
					t.Errorf("%s finds no ticket for « imprimantes »", name)
				}
				for _, h := range hits {
					tk, err := db.GetTicket(ctx, h.Number)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.HasPrefix(h.Number, GeneratedPrefix) || !v.CanSee(tk) {
						t.Errorf("%s finds %s, which they may not see", name, h.Number)
					}
				}
			}
		})
		t.Run("the lists hold exactly the tickets the rules give", func(t *testing.T) {
			for name, v := range viewers {
				mine, err := db.RequesterTickets(ctx, v, store.ListOptions{Filter: store.FilterAll, PageSize: 100})
				if err != nil {
					t.Fatal(err)
				}
				want := count(t, "SELECT COUNT(*) FROM tickets WHERE requester_id = ? OR beneficiary_id = ?", v.PersonID, v.PersonID)
				if mine.Total != min(want, store.CountCap) {
					t.Errorf("%s: own list counts %d, want %d", name, mine.Total, want)
				}
				for _, r := range mine.Rows {
					if r.RequesterID != v.PersonID && r.BeneficiaryID != v.PersonID {
						t.Errorf("%s: own list shows %s of someone else", name, r.Number)
					}
				}
				entity, err := db.EntityTickets(ctx, v, store.ListOptions{Filter: store.FilterAll, PageSize: 100})
				if err != nil {
					t.Fatal(err)
				}
				want = count(t, "SELECT COUNT(*) FROM tickets WHERE entity = ? AND academy_code = ? AND private = ?", v.Entity, v.AcademyCode, false)
				if entity.Total != min(want, store.CountCap) {
					t.Errorf("%s: entity list counts %d, want %d", name, entity.Total, want)
				}
				for _, r := range entity.Rows {
					if r.Private {
						t.Errorf("%s: entity list shows private ticket %s", name, r.Number)
					}
				}
			}
			if n := count(t, "SELECT COUNT(*) FROM tickets WHERE requester_id = ? OR beneficiary_id = ?", requester.ID, requester.ID); n == 0 {
				t.Error("the generated requester has no ticket: the check above proves nothing")
			}
		})
		t.Run("a second run appends after the generated tickets and indexes only the new ones", func(t *testing.T) {
			o.Tickets, o.Articles = 10, 0
			again, err := Generate(ctx, db, o)
			if err != nil {
				t.Fatal(err)
			}
			if again.FirstIndex != n || again.Tickets != 10 || again.Indexed != 10 || again.PeopleCreated != 0 {
				t.Errorf("second run: first index %d, %d tickets, %d indexed, %d people created; want %d, 10, 10, 0",
					again.FirstIndex, again.Tickets, again.Indexed, again.PeopleCreated, n)
			}
			if again.FirstNumber <= res.LastNumber {
				t.Errorf("appended %s does not sort after %s", again.FirstNumber, res.LastNumber)
			}
			if got := count(t, "SELECT COUNT(*) FROM tickets"); got != n+10 {
				t.Errorf("%d tickets, want %d", got, n+10)
			}
		})
	})
}
