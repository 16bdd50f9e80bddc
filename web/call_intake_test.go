package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"guichet/store"
)

func TestPriseDAppelRecordsTheTechnicianWhoFiledTheTicket(t *testing.T) {
	st := newTestStack(t)
	tech := st.signedIn(t, "tech")
	f := st.incidentFields(tech.csrf("/prise-appel"))
	f.Set("beneficiaire", strconv.FormatInt(st.people["collegue"].ID, 10))
	resp := tech.postMultipart("/prise-appel", f)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	number := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/incidents/"), "/confirmation")
	// The workflow's created event (group, pick-up deadline) is merged into
	// the submission's: wait for it, so the pages show both.
	st.waitTicket(t, number, "routed", func(tk *store.Ticket) bool { return tk.GroupID != nil })
	const want = "Saisi par ROBERT, Marc (prise d'appel)"

	t.Run("the caller is the requester and the ticket page names the technician at its creation", func(t *testing.T) {
		caller := st.signedIn(t, "collegue")
		doc := caller.page("/incidents/"+number, http.StatusOK)
		if got := text(doc.Find("#f-demandeur")); got != "BERNARD, Julien" {
			t.Errorf("requester = %q", got)
		}
		if got := text(doc.Find(".evenement .saisi-par")); got != want {
			t.Errorf("created event says %q, want %q", got, want)
		}
	})

	t.Run("the support page's created event names the technician beside its routing details", func(t *testing.T) {
		doc := tech.page("/support/incidents/"+number, http.StatusOK)
		created := doc.Find(`.evenement[data-kind="created"]`)
		details := text(created.Find("p.fr-text--sm"))
		if !strings.Contains(details, want) || !strings.Contains(details, "Plateforme d'assistance") {
			t.Errorf("created event details = %q", details)
		}
	})

	t.Run("a ticket the requester files themselves names no technician", func(t *testing.T) {
		own := st.submit(t, "agent", ticketOpts{})
		doc := st.signedIn(t, "agent").page("/incidents/"+own, http.StatusOK)
		if n := doc.Find(".saisi-par").Length(); n != 0 {
			t.Errorf("%d « Saisi par » lines", n)
		}
	})
}
