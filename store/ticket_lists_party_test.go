package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// TestOwnListsPageThroughBothHalvesInEveryOrder checks the lists of a
// person's own tickets (read as two halves: filed by them, filed for them
// by someone else) against the rule computed here, on every sort, order,
// filter and page, in every académie and in one.
func TestOwnListsPageThroughBothHalvesInEveryOrder(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		me := newPerson(t, db, "p.me")
		other := newPerson(t, db, "p.other")
		third := newPerson(t, db, "p.third")
		rng := rand.New(rand.NewPCG(5, 6))
		statuses := []string{store.StatusNew, store.StatusInProgress, store.StatusWaiting, store.StatusResolved,
			store.StatusClosed, store.StatusCancelled}
		parties := [][2]int64{{me, me}, {me, other}, {other, me}, {other, other}, {third, me}, {other, third}}
		base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var all []store.Ticket
		for i := range 70 {
			p := parties[rng.IntN(len(parties))]
			tk := store.Ticket{
				// Two tickets share each filing time: the number breaks ties.
				Number:      fmt.Sprintf("I260301_%04d", rng.IntN(9000)*10+i%10),
				AcademyCode: []string{"creteil", "rouen"}[rng.IntN(2)], RequesterID: p[0], BeneficiaryID: p[1],
				CategoryID: 1, CategoryPath: "Matériel", Urgency: 1 + rng.IntN(3), Impact: 3, Priority: 5,
				Private: rng.IntN(3) == 0, Description: fmt.Sprintf("Ticket %d", i),
				Status: statuses[rng.IntN(len(statuses))], CreatedAt: base.Add(time.Duration(i/2) * time.Hour),
			}
			tk.UpdatedAt = tk.CreatedAt
			if slices.ContainsFunc(all, func(x store.Ticket) bool { return x.Number == tk.Number }) {
				continue
			}
			if _, err := db.NewInsert().Model(&tk).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			all = append(all, tk)
		}
		statusRank := map[string]int{store.StatusNew: 1, store.StatusInProgress: 2, store.StatusWaiting: 3,
			store.StatusResolved: 4, store.StatusClosed: 5, store.StatusCancelled: 6}
		want := func(academy, filter, sort string, desc bool) []string {
			var keep []store.Ticket
			for _, tk := range all {
				if tk.RequesterID != me && tk.BeneficiaryID != me || academy != "" && tk.AcademyCode != academy {
					continue
				}
				open := statusRank[tk.Status] <= 4
				if filter == store.FilterOpen && !open || filter == store.FilterClosed && open {
					continue
				}
				keep = append(keep, tk)
			}
			dir := func(c int) int {
				if desc {
					return -c
				}
				return c
			}
			slices.SortFunc(keep, func(a, b store.Ticket) int {
				var c int
				switch sort {
				case store.SortNumber:
				case store.SortUrgency:
					c = cmp.Or(dir(cmp.Compare(a.Urgency, b.Urgency)), -a.CreatedAt.Compare(b.CreatedAt))
				case store.SortStatus:
					c = cmp.Or(dir(cmp.Compare(statusRank[a.Status], statusRank[b.Status])), -a.CreatedAt.Compare(b.CreatedAt))
				default:
					c = dir(a.CreatedAt.Compare(b.CreatedAt))
				}
				return cmp.Or(c, dir(cmp.Compare(a.Number, b.Number)))
			})
			ns := make([]string, len(keep))
			for i, tk := range keep {
				ns[i] = tk.Number
			}
			return ns
		}
		v := store.Viewer{PersonID: me, AcademyCode: "creteil"}
		lists := []struct {
			name    string
			academy string
			list    func(store.ListOptions) (*store.TicketList, error)
		}{
			{"Suivi des incidents, every académie", "", func(o store.ListOptions) (*store.TicketList, error) {
				return db.RequesterTickets(ctx, v, o)
			}},
			{"the API's own list in Rouen", "rouen", func(o store.ListOptions) (*store.TicketList, error) {
				return db.APITickets(ctx, v, "rouen", true, o)
			}},
		}
		for _, l := range lists {
			for _, filter := range []string{store.FilterAll, store.FilterOpen, store.FilterClosed} {
				for _, sort := range []string{store.SortCreated, store.SortNumber, store.SortUrgency, store.SortStatus} {
					for _, desc := range []bool{false, true} {
						name := fmt.Sprintf("%s, %s, by %s, descending %v", l.name, filter, sort, desc)
						t.Run(name, func(t *testing.T) {
							exp := want(l.academy, filter, sort, desc)
							if len(exp) < 4 {
								t.Fatalf("only %d tickets expected: the case proves little", len(exp))
							}
							var got []string
							for page := 1; page <= (len(exp)+9)/10; page++ {
								res, err := l.list(store.ListOptions{Filter: filter, Sort: sort, Desc: desc, Page: page, PageSize: 10})
								if err != nil {
									t.Fatal(err)
								}
								if res.Total != len(exp) || res.TotalCapped {
									t.Fatalf("total %d (capped %v), want %d", res.Total, res.TotalCapped, len(exp))
								}
								got = append(got, numbers(res)...)
							}
							if !slices.Equal(got, exp) {
								t.Errorf("pages hold\n%v\nwant\n%v", got, exp)
							}
						})
					}
				}
			}
		}
	})
}
