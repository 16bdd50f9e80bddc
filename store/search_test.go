package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// searchFixture is a small académie world for the search tests.
type searchFixture struct {
	agent, collegue, tech, otherTech store.Viewer
	// Tickets by name.
	tickets map[string]string
	// Articles by name.
	articles map[string]int64
}

func newSearchPerson(t *testing.T, db *store.DB, login, academy, entity string) *store.Person {
	t.Helper()
	now := time.Now().UTC()
	p := &store.Person{AcademyCode: academy, Login: login, LastName: login, FirstName: "Test",
		Entity: entity, CreatedAt: now, UpdatedAt: now}
	if _, err := db.NewInsert().Model(p).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

func seedSearch(t *testing.T, db *store.DB) searchFixture {
	t.Helper()
	ctx := context.Background()
	agent := newSearchPerson(t, db, "agent", "creteil", "Collège Jean Moulin")
	collegue := newSearchPerson(t, db, "collegue", "creteil", "Collège Jean Moulin")
	tech := newSearchPerson(t, db, "tech", "creteil", "DSI")
	otherTech := newSearchPerson(t, db, "tech.rouen", "rouen", "DSI")
	f := searchFixture{
		agent:     store.NewViewer(agent, nil),
		collegue:  store.NewViewer(collegue, nil),
		tech:      store.NewViewer(tech, []store.RoleGrant{{PersonID: tech.ID, AcademyCode: "creteil", Role: store.RoleTechnician}}),
		otherTech: store.NewViewer(otherTech, []store.RoleGrant{{PersonID: otherTech.ID, AcademyCode: "rouen", Role: store.RoleTechnician}}),
		tickets:   map[string]string{},
		articles:  map[string]int64{},
	}
	file := func(name string, requester *store.Person, private bool, path, description string) {
		t.Helper()
		tk := &store.Ticket{
			AcademyCode: requester.AcademyCode, RequesterID: requester.ID, Entity: requester.Entity,
			CategoryID: 1, CategoryPath: path, Urgency: 3, Impact: 3, Priority: 5,
			Private: private, Description: description,
		}
		n, err := db.CreateTicket(ctx, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The workflow's first projection (status new) indexes the ticket.
		if _, err := db.ApplyProjection(ctx, n, store.TicketProjection{Seq: 1, Status: store.StatusNew, Urgency: 3, Impact: 3, Priority: 5},
			[]store.ProjectedEvent{{TicketEvent: store.TicketEvent{Seq: 1, Kind: store.EventCreated, Public: true}}}); err != nil {
			t.Fatal(err)
		}
		f.tickets[name] = n
	}
	file("printer", agent, false, "Matériel › Imprimante", "L'imprimante du CDI ne fonctionne plus depuis ce matin.")
	file("screen", collegue, false, "Matériel › Écran", "Mon écran reste noir au démarrage.")
	file("private", collegue, true, "Logiciel › Messagerie", "Message confidentiel : mon compte semble piraté.")
	file("script", agent, false, "Logiciel › Navigateur", "Le site affiche <script>alert(1)</script> au lieu du scanner.")
	// Solved with a solution and a public reply; an internal note stays out.
	n := f.tickets["screen"]
	if _, err := db.ApplyProjection(ctx, n, store.TicketProjection{Seq: 4, Status: store.StatusResolved, Urgency: 3, Impact: 3, Priority: 5,
		Solution: "Remplacement du câble HDMI défectueux."}, []store.ProjectedEvent{
		{TicketEvent: store.TicketEvent{Seq: 2, Kind: "note", Public: false, Body: "Mot de passe administrateur : tournesol"}},
		{TicketEvent: store.TicketEvent{Seq: 3, Kind: "reply", Public: true, Body: "Le technicien passera jeudi."}},
		{TicketEvent: store.TicketEvent{Seq: 4, Kind: "resolved", Public: true}},
	}); err != nil {
		t.Fatal(err)
	}

	write := func(name, academy string, shared, published bool, path, title, body string) {
		t.Helper()
		a := &store.Article{AcademyCode: academy, Shared: shared, Published: published,
			CategoryPath: path, Title: title, Body: body, AuthorID: &tech.ID}
		if err := db.CreateArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		f.articles[name] = a.ID
	}
	write("toner", "creteil", false, true, "Matériel › Imprimante", "Changer le toner d'une imprimante",
		"Ouvrez le capot, **retirez** la cartouche usagée puis insérez la neuve.")
	write("screen", "creteil", false, true, "Matériel › Écran", "Un écran qui clignote",
		"Vérifiez le câble vidéo et la fréquence de rafraîchissement.")
	write("draft", "creteil", false, false, "Matériel › Écran", "Brouillon sur les écrans tactiles", "À compléter.")
	write("shared", "rouen", true, true, "Logiciel › Messagerie", "Configurer la messagerie sur un téléphone",
		"Paramètres du compte : serveur IMAP, identifiants de messagerie.")
	write("rouenonly", "rouen", false, true, "Matériel › Imprimante", "Imprimantes du rectorat de Rouen", "Liste des imprimantes.")
	return f
}

func ticketNumbers(hits []store.TicketHit) []string {
	return sortedKeys(hits, func(h store.TicketHit) string { return h.Number })
}

func articleIDs(hits []store.ArticleHit) []int64 {
	return sortedKeys(hits, func(h store.ArticleHit) int64 { return h.ID })
}

func TestSearchTickets(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		tests := []struct {
			name   string
			viewer store.Viewer
			query  string
			want   []string
		}{
			{"a plural finds the singular", f.tech, "imprimantes", []string{"printer"}},
			{"a query without accents finds accented words", f.tech, "ecran", []string{"screen"}},
			{"case and accents of the query are folded", f.tech, "ÉCRANS Noirs", []string{"screen"}},
			{"a conjugated verb finds its infinitive family", f.tech, "fonctionnement", []string{"printer"}},
			{"the solution is searched", f.tech, "cables hdmi", []string{"screen"}},
			{"public replies are searched", f.tech, "jeudi", []string{"screen"}},
			{"internal notes are never searched", f.tech, "tournesol", nil},
			{"every word must match", f.tech, "imprimante ecran", nil},
			{"stop words alone find nothing", f.tech, "le la du", nil},
			{"the requester finds a colleague's public ticket", f.agent, "écran", []string{"screen"}},
			{"a colleague's private ticket is never found", f.agent, "confidentiel", nil},
			{"the requester of a private ticket finds it", f.collegue, "confidentiel", []string{"private"}},
			{"support of the académie finds private tickets", f.tech, "confidentiel", []string{"private"}},
			{"support of another académie finds nothing", f.otherTech, "imprimante", nil},
			{"the category path is searched", f.tech, "messagerie", []string{"private"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				hits, more, err := db.SearchTickets(ctx, tc.viewer, store.TicketSearch{Query: tc.query})
				if err != nil {
					t.Fatal(err)
				}
				want := sortedKeys(tc.want, func(n string) string { return f.tickets[n] })
				if got := ticketNumbers(hits); !slices.Equal(got, want) || more {
					t.Fatalf("SearchTickets(%q) = %v (more %v), want %v", tc.query, got, more, want)
				}
			})
		}

		t.Run("the excerpt marks the matching words", func(t *testing.T) {
			hits, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "imprimantes"})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
			var marked []string
			for _, p := range hits[0].Snippet {
				if p.Match {
					marked = append(marked, strings.ToLower(p.Text))
				}
			}
			if !slices.Contains(marked, "imprimante") {
				t.Fatalf("snippet = %+v", hits[0].Snippet)
			}
		})
		t.Run("markup in a description comes back as plain text", func(t *testing.T) {
			hits, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "scanner"})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
			var text strings.Builder
			for _, p := range hits[0].Snippet {
				text.WriteString(p.Text)
			}
			if !strings.Contains(text.String(), "<script>alert(1)</script>") {
				t.Fatalf("snippet text = %q", text.String())
			}
		})
		t.Run("the status filter keeps one status", func(t *testing.T) {
			hits, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "ecran", Status: store.StatusNew})
			if err != nil || len(hits) != 0 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
			hits, _, err = db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "ecran", Status: store.StatusResolved})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
		})
		t.Run("the date filter keeps a period", func(t *testing.T) {
			hits, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "ecran", To: time.Now().Add(-time.Hour)})
			if err != nil || len(hits) != 0 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
			hits, _, err = db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "ecran", From: time.Now().Add(-time.Hour)})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
		})
		t.Run("pages follow one another", func(t *testing.T) {
			all, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "logiciel"})
			if err != nil || len(all) != 2 {
				t.Fatalf("all = %v, %v", all, err)
			}
			p1, more, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "logiciel", Limit: 1})
			if err != nil || len(p1) != 1 || !more {
				t.Fatalf("page 1 = %v more %v, %v", p1, more, err)
			}
			p2, more, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "logiciel", Limit: 1, Offset: 1})
			if err != nil || len(p2) != 1 || more || p2[0].Number == p1[0].Number {
				t.Fatalf("page 2 = %v more %v, %v", p2, more, err)
			}
		})
		t.Run("reindexing everything keeps the results", func(t *testing.T) {
			n, err := db.ReindexAllTickets(ctx)
			if err != nil || n != 4 {
				t.Fatalf("reindexed %d, %v", n, err)
			}
			hits, _, err := db.SearchTickets(ctx, f.tech, store.TicketSearch{Query: "imprimante"})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
		})
	})
}

func TestSearchArticles(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		tests := []struct {
			name   string
			viewer store.Viewer
			search store.ArticleSearch
			want   []string
		}{
			{"a word of the title finds the article", f.agent, store.ArticleSearch{Query: "imprimante"}, []string{"toner"}},
			{"a query without accents finds the accented title", f.agent, store.ArticleSearch{Query: "ecrans"}, []string{"screen"}},
			{"the body is searched", f.agent, store.ArticleSearch{Query: "cartouches"}, []string{"toner"}},
			{"a shared article of another académie is found", f.agent, store.ArticleSearch{Query: "messagerie"}, []string{"shared"}},
			{"drafts are hidden from requesters", f.agent, store.ArticleSearch{Query: "tactiles"}, nil},
			{"support reads its drafts", f.tech, store.ArticleSearch{Query: "tactiles"}, []string{"draft"}},
			{"support of another académie reads its own articles only", f.otherTech, store.ArticleSearch{Query: "imprimantes"}, []string{"rouenonly"}},
			{"suggestions match any word and the last as a prefix", f.agent,
				store.ArticleSearch{Query: "mon écran noir, peut-être le toner de l'imprim", Any: true}, []string{"screen", "toner"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				hits, _, err := db.SearchArticles(ctx, tc.viewer, tc.search)
				if err != nil {
					t.Fatal(err)
				}
				want := sortedKeys(tc.want, func(n string) int64 { return f.articles[n] })
				if got := articleIDs(hits); !slices.Equal(got, want) {
					t.Fatalf("SearchArticles(%q) = %v, want %v", tc.search.Query, got, want)
				}
			})
		}
		t.Run("a title match ranks first", func(t *testing.T) {
			hits, _, err := db.SearchArticles(ctx, f.agent, store.ArticleSearch{Query: "écran câble", Any: true})
			if err != nil || len(hits) == 0 || hits[0].ID != f.articles["screen"] {
				t.Fatalf("hits = %+v, %v", hits, err)
			}
		})
	})
}

func TestArticles(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := seedSearch(t, db)
		t.Run("the list shows what the viewer may read, newest first", func(t *testing.T) {
			as, more, err := db.ListArticles(ctx, f.agent, store.ArticleFilter{})
			if err != nil || more {
				t.Fatal(more, err)
			}
			titles := collect(as, func(a store.Article) string { return a.Title })
			want := []string{"Configurer la messagerie sur un téléphone", "Un écran qui clignote", "Changer le toner d'une imprimante"}
			if !slices.Equal(titles, want) {
				t.Fatalf("titles = %q", titles)
			}
		})
		t.Run("the category filter keeps a branch", func(t *testing.T) {
			as, _, err := db.ListArticles(ctx, f.agent, store.ArticleFilter{Category: "Matériel"})
			if err != nil || len(as) != 2 {
				t.Fatalf("articles = %v, %v", as, err)
			}
			as, _, err = db.ListArticles(ctx, f.agent, store.ArticleFilter{Category: "Matériel › Écran"})
			if err != nil || len(as) != 1 || as[0].ID != f.articles["screen"] {
				t.Fatalf("articles = %v, %v", as, err)
			}
		})
		t.Run("the categories offered are the top-level ones", func(t *testing.T) {
			cats, err := db.ArticleCategories(ctx, f.agent)
			if err != nil || !slices.Equal(cats, []string{"Logiciel", "Matériel"}) {
				t.Fatalf("categories = %q, %v", cats, err)
			}
		})
		t.Run("a hidden article reads as not found", func(t *testing.T) {
			_, err := db.VisibleArticle(ctx, f.agent, f.articles["rouenonly"])
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
			if _, err := db.VisibleArticle(ctx, f.agent, f.articles["shared"]); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("an edit is searchable at once", func(t *testing.T) {
			a, err := db.GetArticle(ctx, f.articles["toner"])
			if err != nil {
				t.Fatal(err)
			}
			a.Title = "Remplacer la cartouche"
			a.Body = "Procédure pour les photocopieurs."
			if err := db.UpdateArticle(ctx, a); err != nil {
				t.Fatal(err)
			}
			hits, _, err := db.SearchArticles(ctx, f.agent, store.ArticleSearch{Query: "photocopieur"})
			if err != nil || len(hits) != 1 {
				t.Fatalf("hits = %v, %v", hits, err)
			}
			hits, _, err = db.SearchArticles(ctx, f.agent, store.ArticleSearch{Query: "toner"})
			if err != nil || len(hits) != 0 {
				t.Fatalf("stale hits = %v, %v", hits, err)
			}
		})
		t.Run("solved tickets are counted", func(t *testing.T) {
			if err := db.CountArticleSolved(ctx, f.articles["screen"]); err != nil {
				t.Fatal(err)
			}
			a, err := db.GetArticle(ctx, f.articles["screen"])
			if err != nil || a.SolvedCount != 1 {
				t.Fatalf("article = %+v, %v", a, err)
			}
		})
	})
}
