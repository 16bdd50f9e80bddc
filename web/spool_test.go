package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"go.temporal.io/sdk/client"

	"guichet/assembly/stacktest"
	"guichet/intake"
	"guichet/store"
	"guichet/store/storetest"
)

// noTemporal is a Temporal that cannot be reached: tickets stay pending,
// which is intake's own business.
type noTemporal struct{}

func (noTemporal) ExecuteWorkflow(context.Context, client.StartWorkflowOptions, any, ...any) (client.WorkflowRun, error) {
	return nil, errors.New("connection refused")
}

var _ intake.Starter = noTemporal{}

// spoolEnv is a web server whose intake service runs over intakeDB (the
// same database as db, or a handle of it that is down) with a spool.
type spoolEnv struct {
	*env
	in    *intake.Service
	agent *store.Person
	leaf  *store.Category
}

func newSpoolEnv(t *testing.T, db, intakeDB *store.DB, spoolDir string) *spoolEnv {
	t.Helper()
	ctx := context.Background()
	if err := db.UpsertAcademy(ctx, &store.Academy{Code: "creteil", Name: "Académie de Créteil"}); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig()
	in := intake.New(intakeDB, noTemporal{}, cfg, nil)
	in.Spool = intake.NewSpool(spoolDir)
	in.RetryDelays = []time.Duration{10 * time.Millisecond}
	st := stacktest.New(t, cfg, stacktest.WithDB(db), stacktest.WithoutTemporal(), stacktest.WithoutSeed(),
		stacktest.WithIntake(in))
	e := &spoolEnv{env: &env{t: t, db: db, srv: st.Web, reg: st.Registry}, in: in}
	e.agent = e.person("agent", store.RoleRequester)
	e.leaf = categoryPath(t, db, "Réseau", "Wi-Fi")
	return e
}

// typed is what the person typed in the new-incident form.
func (e *spoolEnv) typed(csrf string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "rempli": {"1"}, "beneficiaire": {strconv.FormatInt(e.agent.ID, 10)},
		"telephone": {"01 57 02 60 00"}, "disponibilite": {"Le matin <b>tôt</b>"}, "urgence": {"2"},
		"categorie":   {strconv.FormatInt(e.leaf.ID, 10)},
		"description": {"Plus de Wi-Fi en salle 12.\n\nDepuis ce matin, « réseau introuvable »."},
		"action":      {"envoyer"},
	}
}

// formValues reads the fields a browser would send with form sel.
func formValues(doc *goquery.Document, sel string) url.Values {
	v := url.Values{}
	doc.Find(sel + " input, " + sel + " textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		if name == "" || typ == "file" {
			return
		}
		if goquery.NodeName(s) == "textarea" {
			v.Add(name, s.Text())
			return
		}
		val, _ := s.Attr("value")
		v.Add(name, val)
	})
	doc.Find(sel + ` button[type="submit"][name]`).Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		v.Set(name, val)
	})
	return v
}

func TestSubmissionsDuringADatabaseOutage(t *testing.T) {
	db, outage := storetest.SQLiteWithOutage(t)
	e := newSpoolEnv(t, db, db, t.TempDir())
	agent := e.signedIn(t, "agent")
	typed := e.typed(agent.csrf("/incidents/nouveau"))
	ctx := context.Background()
	existing, err := db.CreateTicket(ctx, &store.Ticket{AcademyCode: "creteil", RequesterID: e.agent.ID,
		CategoryID: e.leaf.ID, CategoryPath: e.leaf.Path, Urgency: 3, Impact: 3, Priority: 5, Description: "Imprimante."}, nil)
	if err != nil {
		t.Fatal(err)
	}

	outage.Down(t)
	resp := agent.postMultipart("/incidents/nouveau", typed, testFile{"documents", "capture.png", []byte("PNG…")})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503: %s", resp.StatusCode, readBody(t, resp))
	}
	doc := parse(t, resp)

	t.Run("the page says the service is unavailable and keeps what was typed", func(t *testing.T) {
		want := "Le service est momentanément indisponible. Votre saisie est conservée ci-dessous : renvoyez-la dans quelques instants."
		if got := text(doc.Find("#indisponible p").First()); got != want {
			t.Errorf("message = %q", got)
		}
		if got := doc.Find("#description").Text(); got != typed.Get("description") {
			t.Errorf("description = %q", got)
		}
		for _, name := range []string{"telephone", "disponibilite"} {
			if got, _ := doc.Find("input#" + name).Attr("value"); got != typed.Get(name) {
				t.Errorf("%s = %q, want %q", name, got, typed.Get(name))
			}
		}
		for _, name := range []string{"beneficiaire", "categorie", "urgence", "_csrf"} {
			if got, _ := doc.Find(`input[type="hidden"][name="` + name + `"]`).Attr("value"); got != typed.Get(name) {
				t.Errorf("hidden %s = %q, want %q", name, got, typed.Get(name))
			}
		}
		if action, _ := doc.Find("#form-conserve").Attr("action"); action != "/incidents/nouveau" {
			t.Errorf("form action = %q", action)
		}
		if doc.Find("#documents-perdus").Length() != 1 {
			t.Error("the page does not say the documents must be attached again")
		}
	})

	t.Run("added information is kept the same way", func(t *testing.T) {
		resp := agent.postMultipart("/incidents/"+existing+"/informations",
			url.Values{"_csrf": {typed.Get("_csrf")}, "information": {"Le câble est branché."}},
			testFile{"documents", "photo.jpg", []byte("JPEG…")})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503: %s", resp.StatusCode, readBody(t, resp))
		}
		doc := parse(t, resp)
		if got := doc.Find("textarea#information").Text(); got != "Le câble est branché." {
			t.Errorf("information = %q", got)
		}
		if action, _ := doc.Find("#form-conserve").Attr("action"); action != "/incidents/"+existing+"/informations" {
			t.Errorf("form action = %q", action)
		}
		if doc.Find("#documents-perdus").Length() != 1 {
			t.Error("the page does not say the documents must be attached again")
		}
	})

	t.Run("the kept form sent again once the database is back creates the ticket", func(t *testing.T) {
		outage.Up(t)
		resp := agent.postMultipart("/incidents/nouveau", formValues(doc, "#form-conserve"))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/confirmation") {
			t.Fatalf("status %d, location %q: %s", resp.StatusCode, resp.Header.Get("Location"), readBody(t, resp))
		}
		number := strings.TrimSuffix(strings.TrimPrefix(resp.Header.Get("Location"), "/incidents/"), "/confirmation")
		tk, err := db.GetTicket(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Description != typed.Get("description") || tk.Availability != typed.Get("disponibilite") ||
			tk.CategoryID != e.leaf.ID || tk.Urgency != 2 {
			t.Errorf("ticket = %+v", tk)
		}
	})
}

func TestSpooledSubmissionConfirmation(t *testing.T) {
	db, _ := storetest.SQLiteWithOutage(t)
	var path string
	if err := db.QueryRowContext(context.Background(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		t.Fatal(err)
	}
	// Intake's own handle of the database is down when the ticket is
	// stored, after the page's session and validation queries went well.
	down, err := store.Open(store.DriverSQLite, path)
	if err != nil {
		t.Fatal(err)
	}
	down.Close()
	spool := t.TempDir()
	e := newSpoolEnv(t, db, down, spool)
	agent := e.signedIn(t, "agent")
	typed := e.typed(agent.csrf("/incidents/nouveau"))
	ctx := context.Background()

	resp := agent.postMultipart("/incidents/nouveau", typed, testFile{"documents", "journal.txt", []byte("erreur 0x80070005\n")})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/depot/") {
		t.Fatalf("status %d, location %q: %s", resp.StatusCode, loc, readBody(t, resp))
	}

	t.Run("the confirmation says the request was received and links to Suivi des incidents", func(t *testing.T) {
		resp := agent.get(loc)
		checkStatus(t, resp, http.StatusAccepted)
		doc := parse(t, resp)
		want := "Votre demande a bien été reçue. Le service est momentanément ralenti : elle sera enregistrée dans quelques instants et vous recevrez son numéro par mail."
		if got := text(doc.Find("#message")); got != want {
			t.Errorf("message = %q", got)
		}
		if href, _ := doc.Find("#lien-suivi").Attr("href"); href != "/incidents" || text(doc.Find("#lien-suivi")) != "Suivi des incidents" {
			t.Errorf("link = %q %q", href, text(doc.Find("#lien-suivi")))
		}
	})

	t.Run("an unknown reference is not found", func(t *testing.T) {
		if resp := agent.get("/depot/..%2Fetc"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("status %d", resp.StatusCode)
		}
	})

	t.Run("the API answers 202 with the submission's reference", func(t *testing.T) {
		tok, _, err := db.CreateToken(ctx, store.NewToken{PersonID: e.agent.ID, Name: "test", Scope: store.ScopeWrite, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		body := `{"category_id":` + strconv.FormatInt(e.leaf.ID, 10) + `,"urgency":2,"description":"Imprimante en panne."}`
		req := httptest.NewRequest(http.MethodPost, "/api/v1/tickets", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := e.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Submission, Status string }
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted || got.Status != "spooled" || got.Submission == "" {
			t.Fatalf("status %d, body %+v", resp.StatusCode, got)
		}
	})

	t.Run("the drainer stores the typed request with its document", func(t *testing.T) {
		drainer := intake.New(db, noTemporal{}, testConfig(), nil)
		drainer.Spool = intake.NewSpool(spool)
		if n, err := drainer.DrainSpool(ctx); err != nil || n != 2 {
			t.Fatalf("drain = %d, %v", n, err)
		}
		number, err := db.TicketOfSubmission(ctx, strings.TrimPrefix(loc, "/depot/"))
		if err != nil {
			t.Fatal(err)
		}
		tk, err := db.GetTicket(ctx, number)
		if err != nil {
			t.Fatal(err)
		}
		if tk.Description != typed.Get("description") || tk.Phone != typed.Get("telephone") ||
			tk.RequesterID != e.agent.ID || tk.CategoryPath != e.leaf.Path {
			t.Errorf("ticket = %+v", tk)
		}
		files, err := db.Attachments(ctx, number)
		if err != nil || len(files) != 1 || files[0].Filename != "journal.txt" || string(files[0].Data) != "erreur 0x80070005\n" {
			t.Fatalf("attachments = %+v, %v", files, err)
		}
	})
}
