package web_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"guichet/store"
	"guichet/store/storetest"
)

// insertOpenTickets writes n open tickets of requester straight into the
// tickets table, in one batch (a list only reads them).
func insertOpenTickets(t *testing.T, db *store.DB, requester *store.Person, n int) {
	t.Helper()
	base := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	ts := make([]store.Ticket, n)
	for i := range ts {
		created := base.Add(time.Duration(i) * time.Minute)
		ts[i] = store.Ticket{Number: fmt.Sprintf("I261120_%06d", i), AcademyCode: "creteil",
			RequesterID: requester.ID, BeneficiaryID: requester.ID, Entity: requester.Entity,
			CategoryID: 1, CategoryPath: "Matériel › Écran", Urgency: 3, Impact: 3, Priority: 5,
			Description: "Écran noir", Status: store.StatusNew, CreatedAt: created, UpdatedAt: created,
			ProjectedSeq: 1, WorkflowStartedAt: &created}
	}
	// Every column named: bun on SQLite would otherwise leave out of the
	// batch the defaulted columns that are zero in the first row.
	table := db.Table(reflect.TypeFor[store.Ticket]())
	cols := make([]string, 0, len(table.Fields))
	for _, f := range table.Fields {
		cols = append(cols, f.Name)
	}
	if _, err := db.NewInsert().Model(&ts).Column(cols...).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestListCountsAreShownWithFrenchDigitGrouping(t *testing.T) {
	storetest.Backends(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, testConfig(), nil)
		me := e.person("nombre.agent", store.RoleRequester)
		insertOpenTickets(t, db, me, store.CountCap+1)
		b := e.signedIn(t, "nombre.agent")

		t.Run("a capped list says « plus de 1 000 » with a narrow no-break space", func(t *testing.T) {
			doc := expectStatus(t, b.get("/incidents"), http.StatusOK)
			want := "Nombre d'enregistrements : plus de 1\u202f000"
			// Raw text: the helper text() would fold the U+202F into a space.
			if got := strings.TrimSpace(doc.Find("#nombre").Text()); got != want {
				t.Fatalf("#nombre = %q, want %q", got, want)
			}
		})

		t.Run("the English interface groups with a comma", func(t *testing.T) {
			b.cookies["lang"] = "en"
			defer delete(b.cookies, "lang")
			doc := parse(t, b.get("/incidents"))
			if got := text(doc.Find("#nombre")); got != "Number of records: more than 1,000" {
				t.Fatalf("#nombre = %q", got)
			}
		})
	})
}
