package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// listFixture is a small directory with tickets in every state.
type listFixture struct {
	db                      *store.DB
	me, colleague, stranger *store.Person
	rouen, tech             *store.Person
	// my tickets by state; forMe was filed by the colleague for me.
	mine     map[string]string
	forMe    string
	entity   string // colleague's non-private ticket of my entity
	private  string // colleague's private ticket of my entity
	other    string // stranger's non-private ticket of another entity
	rouenTkt string // non-private ticket of Rouen with the same entity string
}

const listEntity = "EN/ACADEMIE DE CRETEIL/RECTORAT DE CRETEIL"

func newListFixture(t *testing.T, db *store.DB) *listFixture {
	t.Helper()
	ctx := context.Background()
	f := &listFixture{db: db, mine: map[string]string{}}
	f.me = newPersonIn(t, db, "l.me", "creteil", listEntity)
	f.colleague = newPersonIn(t, db, "l.colleague", "creteil", listEntity)
	f.stranger = newPersonIn(t, db, "l.stranger", "creteil", "EN/ACADEMIE DE CRETEIL/DSDEN 94")
	f.rouen = newPersonIn(t, db, "l.rouen", "rouen", listEntity)
	f.tech = newPersonIn(t, db, "l.tech", "creteil", "EN/ACADEMIE DE CRETEIL/DSI")
	if err := db.GrantRoleUnaudited(ctx, f.tech.ID, "creteil", store.RoleTechnician); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	n := 0
	file := func(requester, beneficiary *store.Person, private bool, urgency int, status, description string) string {
		t.Helper()
		n++
		tk := newSubmission(requester.ID)
		tk.AcademyCode, tk.BeneficiaryID, tk.Entity = beneficiary.AcademyCode, beneficiary.ID, beneficiary.Entity
		tk.Private, tk.Urgency, tk.Description = private, urgency, description
		tk.CreatedAt = base.Add(time.Duration(n) * time.Hour)
		number, err := db.CreateTicket(ctx, tk, nil)
		if err != nil {
			t.Fatal(err)
		}
		if status != store.StatusNew {
			if _, err := db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", status).
				Where("number = ?", number).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return number
	}
	// Created in this order, one hour apart: new, in progress (for me),
	// waiting, resolved, closed, cancelled.
	f.mine[store.StatusNew] = file(f.me, f.me, false, 3, store.StatusNew, "Mon écran reste noir")
	f.forMe = file(f.colleague, f.me, true, 1, store.StatusInProgress, "Imprimante du bureau 214 bloquée")
	f.mine[store.StatusWaiting] = file(f.me, f.me, true, 2, store.StatusWaiting, "Messagerie inaccessible")
	f.mine[store.StatusResolved] = file(f.me, f.me, false, 2, store.StatusResolved, "Souris sans fil")
	f.mine[store.StatusClosed] = file(f.me, f.me, false, 3, store.StatusClosed, "Clavier")
	f.mine[store.StatusCancelled] = file(f.me, f.me, false, 1, store.StatusCancelled, "Vidéoprojecteur")
	f.entity = file(f.colleague, f.colleague, false, 2, store.StatusInProgress, "Le photocopieur du 2e étage")
	f.private = file(f.colleague, f.colleague, true, 2, store.StatusNew, "Mon poste personnel")
	f.other = file(f.stranger, f.stranger, false, 2, store.StatusNew, "Le réseau de la DSDEN")
	f.rouenTkt = file(f.rouen, f.rouen, false, 2, store.StatusNew, "Rouen")
	return f
}

func (f *listFixture) viewer(t *testing.T, p *store.Person) store.Viewer {
	t.Helper()
	g, err := f.db.Roles(context.Background(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return store.NewViewer(p, g)
}

func numbers(l *store.TicketList) []string {
	out := make([]string, len(l.Rows))
	for i, r := range l.Rows {
		out[i] = r.Number
	}
	return out
}

func sorted(ns ...string) []string {
	out := slices.Clone(ns)
	slices.Sort(out)
	return out
}

func TestRequesterTickets(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListFixture(t, db)
		me := f.viewer(t, f.me)

		filters := []struct {
			name   string
			filter string
			want   []string
		}{
			{"open tickets are mine and those filed for me, not yet closed", store.FilterOpen,
				[]string{f.mine[store.StatusNew], f.forMe, f.mine[store.StatusWaiting], f.mine[store.StatusResolved]}},
			{"all tickets add the closed and cancelled ones", store.FilterAll,
				[]string{f.mine[store.StatusNew], f.forMe, f.mine[store.StatusWaiting], f.mine[store.StatusResolved],
					f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}},
			{"closed tickets are the closed and cancelled ones", store.FilterClosed,
				[]string{f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}},
			{"an unknown filter lists the open tickets", "n'importe",
				[]string{f.mine[store.StatusNew], f.forMe, f.mine[store.StatusWaiting], f.mine[store.StatusResolved]}},
		}
		for _, tc := range filters {
			t.Run(tc.name, func(t *testing.T) {
				l, err := db.RequesterTickets(ctx, me, store.ListOptions{Filter: tc.filter, Sort: store.SortNumber})
				if err != nil {
					t.Fatal(err)
				}
				if got, want := numbers(l), sorted(tc.want...); !slices.Equal(got, want) {
					t.Fatalf("got %v, want %v", got, want)
				}
				if l.Total != len(tc.want) || l.Pages != 1 {
					t.Fatalf("total %d pages %d", l.Total, l.Pages)
				}
			})
		}

		t.Run("the colleague's own tickets are not in my list even when I may see them", func(t *testing.T) {
			l, err := db.RequesterTickets(ctx, me, store.ListOptions{Filter: store.FilterAll})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(numbers(l), f.entity) {
				t.Fatalf("%s listed in %v", f.entity, numbers(l))
			}
		})

		all := store.ListOptions{Filter: store.FilterAll}
		sorts := []struct {
			name string
			sort string
			desc bool
			want []string
		}{
			{"the default order is newest first", "", false, []string{
				f.mine[store.StatusCancelled], f.mine[store.StatusClosed], f.mine[store.StatusResolved],
				f.mine[store.StatusWaiting], f.forMe, f.mine[store.StatusNew]}},
			{"sorting by date ascending lists oldest first", store.SortCreated, false, []string{
				f.mine[store.StatusNew], f.forMe, f.mine[store.StatusWaiting], f.mine[store.StatusResolved],
				f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}},
			{"sorting by number follows the numbers", store.SortNumber, true, []string{
				f.mine[store.StatusCancelled], f.mine[store.StatusClosed], f.mine[store.StatusResolved],
				f.mine[store.StatusWaiting], f.forMe, f.mine[store.StatusNew]}},
			{"sorting by urgency puts high urgency first, newest first within a level", store.SortUrgency, false, []string{
				f.mine[store.StatusCancelled], f.forMe, f.mine[store.StatusResolved], f.mine[store.StatusWaiting],
				f.mine[store.StatusClosed], f.mine[store.StatusNew]}},
			{"sorting by status follows the lifecycle", store.SortStatus, false, []string{
				f.mine[store.StatusNew], f.forMe, f.mine[store.StatusWaiting], f.mine[store.StatusResolved],
				f.mine[store.StatusClosed], f.mine[store.StatusCancelled]}},
			{"sorting by status descending reverses the lifecycle", store.SortStatus, true, []string{
				f.mine[store.StatusCancelled], f.mine[store.StatusClosed], f.mine[store.StatusResolved],
				f.mine[store.StatusWaiting], f.forMe, f.mine[store.StatusNew]}},
		}
		for _, tc := range sorts {
			t.Run(tc.name, func(t *testing.T) {
				o := all
				o.Sort, o.Desc = tc.sort, tc.desc
				l, err := db.RequesterTickets(ctx, me, o)
				if err != nil {
					t.Fatal(err)
				}
				if got := numbers(l); !slices.Equal(got, tc.want) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("rows carry the list columns and an excerpt of the description", func(t *testing.T) {
			l, err := db.RequesterTickets(ctx, me, store.ListOptions{Filter: store.FilterAll, Sort: store.SortNumber})
			if err != nil {
				t.Fatal(err)
			}
			r := l.Rows[1]
			if r.Number != f.forMe || r.Description != "Imprimante du bureau 214 bloquée" || r.Urgency != 1 ||
				r.Status != store.StatusInProgress || r.CreatedAt.IsZero() || !r.Private || r.BeneficiaryID != f.me.ID {
				t.Fatalf("row = %+v", r)
			}
		})
	})
}

func TestTicketListPagination(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		agent := newPerson(t, db, "p.agent")
		p, err := db.GetPerson(ctx, agent)
		if err != nil {
			t.Fatal(err)
		}
		v := store.NewViewer(p, nil)
		var want []string
		for i := range 45 {
			tk := newSubmission(agent)
			tk.CreatedAt = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			n, err := db.CreateTicket(ctx, tk, nil)
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, n)
		}
		slices.Reverse(want) // newest first

		cases := []struct {
			name      string
			o         store.ListOptions
			wantRows  []string
			wantPage  int
			wantPages int
			wantSize  int
		}{
			{"the first page holds 20 tickets by default", store.ListOptions{}, want[:20], 1, 3, 20},
			{"the last page holds the rest", store.ListOptions{Page: 3}, want[40:], 3, 3, 20},
			{"a page past the end shows the last page", store.ListOptions{Page: 9}, want[40:], 3, 3, 20},
			{"a page size of 10 gives 5 pages", store.ListOptions{PageSize: 10, Page: 2}, want[10:20], 2, 5, 10},
			{"a page size of 50 shows everything", store.ListOptions{PageSize: 50}, want, 1, 1, 50},
			{"an unknown page size falls back to 20", store.ListOptions{PageSize: 7, Page: 2}, want[20:40], 2, 3, 20},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				l, err := db.RequesterTickets(ctx, v, tc.o)
				if err != nil {
					t.Fatal(err)
				}
				if got := numbers(l); !slices.Equal(got, tc.wantRows) {
					t.Fatalf("rows %v, want %v", got, tc.wantRows)
				}
				if l.Total != 45 || l.Options.Page != tc.wantPage || l.Pages != tc.wantPages || l.Options.PageSize != tc.wantSize {
					t.Fatalf("total %d page %d/%d size %d", l.Total, l.Options.Page, l.Pages, l.Options.PageSize)
				}
			})
		}
		t.Run("an empty list has one empty page", func(t *testing.T) {
			l, err := db.RequesterTickets(ctx, v, store.ListOptions{Filter: store.FilterClosed, Page: 4})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Rows) != 0 || l.Total != 0 || l.Pages != 1 || l.Options.Page != 1 {
				t.Fatalf("list = %+v", l)
			}
		})
	})
}

func TestEntityTicketsAndValidations(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListFixture(t, db)
		me := f.viewer(t, f.me)

		t.Run("my entity's list holds the non-private tickets of my entity in my académie", func(t *testing.T) {
			l, err := db.EntityTickets(ctx, me, store.ListOptions{Filter: store.FilterAll, Sort: store.SortNumber})
			if err != nil {
				t.Fatal(err)
			}
			want := sorted(f.entity, f.mine[store.StatusNew], f.mine[store.StatusResolved],
				f.mine[store.StatusClosed], f.mine[store.StatusCancelled])
			if got := numbers(l); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v (private %s, other entity %s, Rouen %s must not show)",
					got, want, f.private, f.other, f.rouenTkt)
			}
		})
		t.Run("the open filter applies to my entity's list", func(t *testing.T) {
			l, err := db.EntityTickets(ctx, me, store.ListOptions{Sort: store.SortNumber})
			if err != nil {
				t.Fatal(err)
			}
			want := sorted(f.entity, f.mine[store.StatusNew], f.mine[store.StatusResolved])
			if got := numbers(l); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
		t.Run("someone without an entity sees no colleague's ticket", func(t *testing.T) {
			v := me
			v.Entity = ""
			l, err := db.EntityTickets(ctx, v, store.ListOptions{Filter: store.FilterAll})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != 0 {
				t.Fatalf("got %v", numbers(l))
			}
		})
		t.Run("the validations list holds my resolved tickets", func(t *testing.T) {
			l, err := db.AwaitingValidation(ctx, me, store.ListOptions{Filter: store.FilterClosed})
			if err != nil {
				t.Fatal(err)
			}
			if got := numbers(l); !slices.Equal(got, []string{f.mine[store.StatusResolved]}) {
				t.Fatalf("got %v", got)
			}
		})
		t.Run("a ticket resolved for me awaits both the requester's and my validation", func(t *testing.T) {
			if _, err := db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", store.StatusResolved).
				Where("number = ?", f.forMe).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			defer db.NewUpdate().Model((*store.Ticket)(nil)).Set("status = ?", store.StatusInProgress).
				Where("number = ?", f.forMe).Exec(ctx) //nolint:errcheck
			for _, p := range []*store.Person{f.me, f.colleague} {
				l, err := db.AwaitingValidation(ctx, f.viewer(t, p), store.ListOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(numbers(l), f.forMe) {
					t.Fatalf("%s: %v lacks %s", p.Login, numbers(l), f.forMe)
				}
			}
			l, err := db.AwaitingValidation(ctx, f.viewer(t, f.tech), store.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != 0 {
				t.Fatalf("a technician has nothing to validate, got %v", numbers(l))
			}
		})
	})
}

func TestCountersOf(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListFixture(t, db)
		cases := []struct {
			name string
			who  *store.Person
			want store.RequesterCounters
		}{
			{"I have one ticket to validate and three in progress", f.me, store.RequesterCounters{Validations: 1, InProgress: 3}},
			{"the colleague counts the ticket filed for me and their own", f.colleague, store.RequesterCounters{Validations: 0, InProgress: 3}},
			{"a technician with no ticket of their own counts nothing", f.tech, store.RequesterCounters{}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				got, err := db.CountersOf(ctx, f.viewer(t, tc.who))
				if err != nil {
					t.Fatal(err)
				}
				if got != tc.want {
					t.Fatalf("got %+v, want %+v", got, tc.want)
				}
			})
		}
	})
}

func TestLastEventOfListRows(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListFixture(t, db)
		at := time.Date(2026, 11, 25, 10, 30, 0, 0, time.UTC)
		for _, ev := range []store.TicketEvent{
			{Seq: 2, Kind: "picked_up", Public: true, CreatedAt: at},
			{Seq: 3, Kind: "reply", Public: true, CreatedAt: at.Add(time.Minute)},
			{Seq: 4, Kind: "note", Public: false, CreatedAt: at.Add(2 * time.Minute)},
		} {
			if _, err := db.AppendEvent(ctx, f.forMe, ev); err != nil {
				t.Fatal(err)
			}
		}
		l, err := db.RequesterTickets(ctx, f.viewer(t, f.me), store.ListOptions{Sort: store.SortNumber})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]store.TicketRow{}
		for _, r := range l.Rows {
			got[r.Number] = r
		}
		t.Run("the Suivi column shows the latest public event, never an internal note", func(t *testing.T) {
			r := got[f.forMe]
			if r.LastEventKind != "reply" || !r.LastEventAt.Equal(at.Add(time.Minute)) {
				t.Fatalf("row = %+v", r)
			}
		})
		t.Run("a fresh ticket's latest event is its creation", func(t *testing.T) {
			if r := got[f.mine[store.StatusNew]]; r.LastEventKind != store.EventCreated {
				t.Fatalf("row = %+v", r)
			}
		})
	})
}

func TestFavouritesAndHistory(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newListFixture(t, db)
		me := f.viewer(t, f.me)
		links := func(ls []store.TicketLink) []string {
			out := make([]string, len(ls))
			for i, l := range ls {
				out[i] = l.Number
			}
			return out
		}

		t.Run("starring a ticket makes it a favourite, starring it again removes it", func(t *testing.T) {
			for i, want := range []bool{true, false, true} {
				on, err := db.ToggleFavourite(ctx, me, f.entity)
				if err != nil {
					t.Fatal(err)
				}
				is, err := db.IsFavourite(ctx, f.me.ID, f.entity)
				if err != nil {
					t.Fatal(err)
				}
				if on != want || is != want {
					t.Fatalf("toggle %d: got %v/%v, want %v", i, on, is, want)
				}
			}
		})
		t.Run("a ticket I may not see cannot be starred", func(t *testing.T) {
			for _, n := range []string{f.private, f.other, "I000000_0000"} {
				if _, err := db.ToggleFavourite(ctx, me, n); !errors.Is(err, store.ErrNotFound) {
					t.Fatalf("%s: err = %v", n, err)
				}
			}
		})
		t.Run("favourites list the most recently starred first", func(t *testing.T) {
			if _, err := db.ToggleFavourite(ctx, me, f.forMe); err != nil {
				t.Fatal(err)
			}
			ls, err := db.Favourites(ctx, me, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := links(ls); !slices.Equal(got, []string{f.forMe, f.entity}) {
				t.Fatalf("got %v", got)
			}
			if ls[0].Status != store.StatusInProgress || ls[0].CategoryPath != "Matériel › Écran" || ls[0].At.IsZero() {
				t.Fatalf("link = %+v", ls[0])
			}
		})
		t.Run("a favourite I may no longer see is left out", func(t *testing.T) {
			moved := me
			moved.Entity = "EN/AILLEURS"
			ls, err := db.Favourites(ctx, moved, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := links(ls); !slices.Equal(got, []string{f.forMe}) {
				t.Fatalf("got %v", got)
			}
		})

		t.Run("the history lists the last viewed tickets, most recent first, each once", func(t *testing.T) {
			for _, n := range []string{f.mine[store.StatusNew], f.entity, f.forMe, f.mine[store.StatusNew]} {
				if err := db.RecordView(ctx, me, n); err != nil {
					t.Fatal(err)
				}
			}
			ls, err := db.History(ctx, me, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := links(ls); !slices.Equal(got, []string{f.mine[store.StatusNew], f.forMe, f.entity}) {
				t.Fatalf("got %v", got)
			}
		})
		t.Run("viewing a ticket I may not see records nothing", func(t *testing.T) {
			if err := db.RecordView(ctx, me, f.private); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("err = %v", err)
			}
		})
		t.Run("the history keeps the latest views only", func(t *testing.T) {
			agent := newPerson(t, db, "h.agent")
			p, err := db.GetPerson(ctx, agent)
			if err != nil {
				t.Fatal(err)
			}
			v := store.NewViewer(p, nil)
			var viewed []string
			for i := range 25 {
				tk := newSubmission(agent)
				tk.Description = fmt.Sprint("ticket ", i)
				n, err := db.CreateTicket(ctx, tk, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := db.RecordView(ctx, v, n); err != nil {
					t.Fatal(err)
				}
				viewed = append(viewed, n)
			}
			ls, err := db.History(ctx, v, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := links(ls)
			slices.Reverse(viewed)
			if len(got) != 20 || !slices.Equal(got[:10], viewed[:10]) {
				t.Fatalf("got %d: %v, want the 20 latest of %v", len(got), got, viewed)
			}
			ls, err = db.History(ctx, v, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := links(ls); !slices.Equal(got, viewed[:10]) {
				t.Fatalf("limit 10: got %v", got)
			}
		})
	})
}
