package web_test

// One rules table, three surfaces: every action's bad inputs, derived from
// workflows.Rules, are sent to the workflow (a raw Update), to the API and
// through the web form, and all three must give the same verdict on the
// same field.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"go.temporal.io/sdk/client"

	"guichet/store"
	"guichet/web"
	"guichet/workflows"
)

// verdict is a surface's answer to an action: refused or not, and the
// contract name of the field in error ("" for a who or state refusal).
type verdict struct {
	refused bool
	field   string
}

func (v verdict) String() string {
	if !v.refused {
		return "accepted"
	}
	if v.field == "" {
		return "refused"
	}
	return "refused on " + v.field
}

// surfaceCase is one bad input of an action.
type surfaceCase struct {
	name   string
	action string // Update name
	state  string // the ticket it is sent to
	values map[string]any
	want   verdict
}

// surfaceActor is who sends an action: the requester for theirs, the
// technician for support's.
func surfaceActor(r workflows.Rule) string {
	if r.Who == workflows.WhoParty || r.Who == workflows.WhoPartyOrSupervisor {
		return "agent"
	}
	return "tech"
}

// surfaceCases derives the cases from the rules table: each required field
// empty, each limited text one character too long, each rating and level
// out of range, and a state the action is not allowed from.
func surfaceCases(valid func() map[string]any) []surfaceCase {
	var out []surfaceCase
	statuses := []string{store.StatusNew, store.StatusInProgress, store.StatusResolved}
	for _, action := range workflows.Actions() {
		r, _ := workflows.Rules(action)
		state := ""
		for _, s := range statuses {
			if r.Allows(s) {
				state = s
				break
			}
		}
		with := func(name string, v any) map[string]any {
			m := valid()
			m[name] = v
			return m
		}
		for _, f := range r.Fields {
			switch {
			case f.Kind == workflows.FieldText && f.Required:
				out = append(out, surfaceCase{action + " without " + f.Name, action, state, with(f.Name, ""), verdict{true, f.Name}})
			}
			switch f.Kind {
			case workflows.FieldText:
				if f.Max > 0 {
					out = append(out, surfaceCase{fmt.Sprintf("%s with a %s of %d characters", action, f.Name, f.Max+1), action, state,
						with(f.Name, strings.Repeat("é", f.Max+1)), verdict{true, f.Name}})
				}
			case workflows.FieldRating:
				for _, n := range []int{f.Min - 1, f.Max + 1} {
					out = append(out, surfaceCase{fmt.Sprintf("%s with a %s of %d", action, f.Name, n), action, state,
						with(f.Name, n), verdict{true, f.Name}})
				}
			case workflows.FieldLevel:
				out = append(out, surfaceCase{fmt.Sprintf("%s with a %s of %d", action, f.Name, f.Max+1), action, state,
					with(f.Name, f.Max+1), verdict{true, f.Name}})
			}
		}
		for _, s := range statuses {
			if !r.Allows(s) {
				out = append(out, surfaceCase{action + " on a " + s + " ticket", action, s, valid(), verdict{true, ""}})
				break
			}
		}
	}
	return out
}

// apiActionName is the API's name of an Update.
func apiActionName(update string) string {
	switch update {
	case workflows.UpdatePickUp:
		return "pickup"
	case workflows.UpdateMarkDuplicate:
		return "duplicate"
	}
	return update
}

// surfaceInput builds the Update input of an action from contract values.
func surfaceInput(action string, a workflows.Actor, v map[string]any) any {
	str := func(n string) string { s, _ := v[n].(string); return s }
	num := func(n string) int { i, _ := v[n].(int); return i }
	id := func(n string) int64 { i, _ := v[n].(int64); return i }
	switch action {
	case workflows.UpdatePickUp:
		return workflows.PickUpInput{Actor: a}
	case workflows.UpdateAssign:
		return workflows.AssignInput{Actor: a, TechnicianID: id(workflows.FieldTechnician), GroupID: id(workflows.FieldGroup), Reason: str(workflows.FieldReason)}
	case workflows.UpdateRequalify:
		return workflows.RequalifyInput{Actor: a, Urgency: num(workflows.FieldUrgency), Impact: num(workflows.FieldImpact), Reason: str(workflows.FieldReason)}
	case workflows.UpdateReply:
		return workflows.ReplyInput{Actor: a, Body: str(workflows.FieldBody)}
	case workflows.UpdateNote:
		return workflows.NoteInput{Actor: a, Body: str(workflows.FieldBody)}
	case workflows.UpdateRequestInfo:
		return workflows.RequestInfoInput{Actor: a, Question: str(workflows.FieldQuestion)}
	case workflows.UpdateAddInfo:
		return workflows.AddInfoInput{Actor: a, Body: str(workflows.FieldBody)}
	case workflows.UpdateResolve:
		return workflows.ResolveInput{Actor: a, Solution: str(workflows.FieldSolution)}
	case workflows.UpdateAccept:
		return workflows.AcceptInput{Actor: a, RatingDelay: num(workflows.FieldRatingDelay), RatingQuality: num(workflows.FieldRatingQuality), Comment: str(workflows.FieldComment)}
	case workflows.UpdateRefuse:
		return workflows.RefuseInput{Actor: a, RatingDelay: num(workflows.FieldRatingDelay), RatingQuality: num(workflows.FieldRatingQuality), Comment: str(workflows.FieldComment)}
	case workflows.UpdateCancel:
		return workflows.CancelInput{Actor: a, Reason: str(workflows.FieldReason)}
	case workflows.UpdateMarkDuplicate:
		return workflows.MarkDuplicateInput{Actor: a, Of: str(workflows.FieldOf), Reason: str(workflows.FieldReason)}
	}
	panic("unknown action " + action)
}

// workflowVerdict sends the Update straight to the workflow.
func (st *testStack) workflowVerdict(t *testing.T, number, action string, arg any) verdict {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stackWait)
	defer cancel()
	h, err := st.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflows.TicketWorkflowID(number), UpdateName: action, Args: []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		var res workflows.UpdateResult
		err = h.Get(ctx, &res)
	}
	if err == nil {
		return verdict{}
	}
	r, ok := workflows.RefusalOf(err)
	if !ok {
		t.Fatalf("workflow: %s failed without a refusal: %v", action, err)
	}
	return verdict{true, r.Field}
}

// apiVerdict sends the action to the API.
func apiVerdict(t *testing.T, c apiClient, number, action string, v map[string]any) verdict {
	t.Helper()
	r := c.post(t, "/api/v1/tickets/"+number+"/actions/"+apiActionName(action), v)
	switch r.Status {
	case http.StatusOK:
		return verdict{}
	case http.StatusUnprocessableEntity:
		fields, _ := r.JSON["error"].(map[string]any)["fields"].(map[string]any)
		if len(fields) != 1 {
			t.Fatalf("API: 422 without exactly one field: %s", r.Raw)
		}
		for f, msg := range fields {
			if m, _ := msg.(string); m == "" || strings.HasPrefix(m, "[") {
				t.Errorf("API: field %s has message %q", f, msg)
			}
			return verdict{true, f}
		}
	case http.StatusConflict, http.StatusForbidden:
		if msg := r.errorMessage(); msg == "" || strings.HasPrefix(msg, "[") {
			t.Errorf("API: message %q", msg)
		}
		return verdict{true, ""}
	}
	t.Fatalf("API: status %d: %s", r.Status, r.Raw)
	return verdict{}
}

// contractOfFormField maps the forms' field names to the contract's.
func contractOfFormField(action, name string) string {
	switch name {
	case "motif":
		return workflows.FieldReason
	case "information", "texte":
		return workflows.FieldBody
	case "commentaire":
		return workflows.FieldComment
	case "delai":
		return workflows.FieldRatingDelay
	case "qualite":
		return workflows.FieldRatingQuality
	case "numero":
		return workflows.FieldOf
	case "technicien":
		return workflows.FieldTechnician
	case "groupe":
		return workflows.FieldGroup
	case "urgence":
		return workflows.FieldUrgency
	case "article":
		return workflows.FieldArticle
	}
	return name // question, solution, impact
}

// formVerdict reads the answer of a form: a redirect is done; otherwise
// the field in error is the one the error summary links to, or the one
// marked aria-invalid.
func formVerdict(t *testing.T, action string, resp *http.Response) verdict {
	t.Helper()
	if resp.StatusCode == http.StatusSeeOther {
		resp.Body.Close()
		return verdict{}
	}
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusConflict {
		t.Fatalf("form: status %d: %s", resp.StatusCode, readBody(t, resp))
	}
	doc := parse(t, resp)
	var names []string
	doc.Find("#resume-erreurs a, #erreurs a").Each(func(_ int, a *goquery.Selection) {
		if id := strings.TrimPrefix(a.AttrOr("href", ""), "#"); id != "" {
			names = append(names, doc.Find("#"+id).AttrOr("name", id))
		}
	})
	doc.Find(`[aria-invalid="true"]`).Each(func(_ int, e *goquery.Selection) {
		names = append(names, e.AttrOr("name", ""))
	})
	if len(names) == 0 {
		if text(doc.Find("#refus-action, #erreur-action, #pas-de-validation, .erreur, .fr-alert--error")) == "" {
			t.Errorf("form: refused without a message")
		}
		return verdict{true, ""}
	}
	return verdict{true, contractOfFormField(action, names[0])}
}

// supportFormAction is the workspace's form of an Update.
func supportFormAction(update string) string {
	return map[string]string{
		workflows.UpdatePickUp: "prendre", workflows.UpdateAssign: "affecter", workflows.UpdateRequalify: "requalifier",
		workflows.UpdateReply: "repondre", workflows.UpdateNote: "noter", workflows.UpdateRequestInfo: "questionner",
		workflows.UpdateResolve: "resoudre", workflows.UpdateMarkDuplicate: "doublon",
	}[update]
}

// postForm sends the action through its web form.
func postForm(t *testing.T, b *browser, number, action string, v map[string]any) *http.Response {
	t.Helper()
	str := func(n string) string { s, _ := v[n].(string); return s }
	num := func(n string) string {
		switch x := v[n].(type) {
		case int:
			return strconv.Itoa(x)
		case int64:
			if x == 0 {
				return ""
			}
			return strconv.FormatInt(x, 10)
		}
		return ""
	}
	csrf := b.csrf("/compte/jetons")
	switch action {
	case workflows.UpdateCancel:
		return b.do(http.MethodPost, "/incidents/"+number+"/annulation", url.Values{"_csrf": {csrf}, "motif": {str(workflows.FieldReason)}})
	case workflows.UpdateAddInfo:
		return b.postMultipart("/incidents/"+number+"/informations", url.Values{"_csrf": {csrf}, "information": {str(workflows.FieldBody)}})
	case workflows.UpdateAccept, workflows.UpdateRefuse:
		decision := "acceptation"
		if action == workflows.UpdateRefuse {
			decision = "refus"
		}
		return b.do(http.MethodPost, "/validations/"+number, url.Values{"_csrf": {csrf}, "decision": {decision},
			"delai": {num(workflows.FieldRatingDelay)}, "qualite": {num(workflows.FieldRatingQuality)},
			"commentaire": {str(workflows.FieldComment)}, "confirmation": {"acceptation"}})
	}
	form := url.Values{"_csrf": {csrf}}
	switch action {
	case workflows.UpdateAssign:
		form.Set("technicien", num(workflows.FieldTechnician))
		form.Set("groupe", num(workflows.FieldGroup))
		form.Set("motif", str(workflows.FieldReason))
	case workflows.UpdateRequalify:
		form.Set("urgence", num(workflows.FieldUrgency))
		impact := num(workflows.FieldImpact)
		if impact == "0" {
			impact = "3" // the form always sends both levels; 3 is the current impact
		}
		form.Set("impact", impact)
		form.Set("motif", str(workflows.FieldReason))
	case workflows.UpdateReply, workflows.UpdateNote:
		form.Set("texte", str(workflows.FieldBody))
	case workflows.UpdateRequestInfo:
		form.Set("question", str(workflows.FieldQuestion))
	case workflows.UpdateResolve:
		form.Set("solution", str(workflows.FieldSolution))
	case workflows.UpdateMarkDuplicate:
		form.Set("numero", str(workflows.FieldOf))
		form.Set("motif", str(workflows.FieldReason))
	}
	return b.do(http.MethodPost, "/support/incidents/"+number+"/"+supportFormAction(action), form)
}

func TestEveryActionGivesTheSameVerdictOnEverySurface(t *testing.T) {
	st := newTestStack(t)
	tickets := map[string]string{
		store.StatusNew:        st.submit(t, "agent", ticketOpts{}),
		store.StatusInProgress: st.submit(t, "agent", ticketOpts{}),
		store.StatusResolved:   st.submit(t, "agent", ticketOpts{}),
	}
	other := st.submit(t, "agent", ticketOpts{})
	st.update(t, tickets[store.StatusInProgress], workflows.UpdatePickUp, workflows.PickUpInput{Actor: st.actor("tech")})
	st.resolve(t, tickets[store.StatusResolved])
	for status, n := range tickets {
		st.waitTicket(t, n, status, func(tk *store.Ticket) bool { return tk.Status == status })
	}
	valid := func() map[string]any {
		return map[string]any{
			workflows.FieldTechnician: st.people["tech"].ID, workflows.FieldGroup: int64(0), workflows.FieldReason: "Motif.",
			workflows.FieldUrgency: 1, workflows.FieldImpact: 0, workflows.FieldBody: "Texte.", workflows.FieldQuestion: "Lequel ?",
			workflows.FieldSolution: "Fait.", workflows.FieldComment: "Merci.",
			workflows.FieldRatingDelay: 4, workflows.FieldRatingQuality: 4, workflows.FieldOf: other,
		}
	}
	browsers := map[string]*browser{"agent": st.signedIn(t, "agent"), "tech": st.signedIn(t, "tech")}
	apis := map[string]apiClient{"agent": st.token(t, "agent", store.ScopeWrite), "tech": st.token(t, "tech", store.ScopeWrite)}

	cases := surfaceCases(valid)
	if len(cases) < 30 {
		t.Fatalf("only %d cases derived from the rules table", len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.name+" is refused alike by the workflow, the API and the form", func(t *testing.T) {
			rule, _ := workflows.Rules(tc.action)
			login := surfaceActor(rule)
			number := tickets[tc.state]
			got := map[string]verdict{
				"workflow": st.workflowVerdict(t, number, tc.action, surfaceInput(tc.action, st.actor(login), tc.values)),
				"API":      apiVerdict(t, apis[login], number, tc.action, tc.values),
				"form":     formVerdict(t, tc.action, postForm(t, browsers[login], number, tc.action, tc.values)),
			}
			for surface, v := range got {
				if v != tc.want {
					t.Errorf("%s: %v, want %v", surface, v, tc.want)
				}
			}
		})
	}
	// Nothing refused changed a ticket.
	for status, n := range tickets {
		if tk, err := st.db.GetTicket(context.Background(), n); err != nil || tk.Status != status {
			t.Errorf("ticket %s: %v %v, want still %s", n, tk.Status, err, status)
		}
	}
}

func TestTheOpenAPIDocumentStatesTheRulesTableLimits(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					MaxLength int `json:"maxLength"`
					Minimum   int `json:"minimum"`
					Maximum   int `json:"maximum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(web.OpenAPIDocument(), &doc); err != nil {
		t.Fatal(err)
	}
	props := doc.Components.Schemas["ActionInput"].Properties
	for _, action := range workflows.Actions() {
		r, _ := workflows.Rules(action)
		for _, f := range r.Fields {
			p, ok := props[f.Name]
			if !ok {
				t.Errorf("%s: field %s is not in ActionInput", action, f.Name)
				continue
			}
			switch f.Kind {
			case workflows.FieldText:
				if f.Max > 0 && p.MaxLength != f.Max {
					t.Errorf("%s.%s: maxLength %d, the rules table says %d", action, f.Name, p.MaxLength, f.Max)
				}
			case workflows.FieldRating:
				if p.Minimum != f.Min || p.Maximum != f.Max {
					t.Errorf("%s.%s: %d…%d, the rules table says %d…%d", action, f.Name, p.Minimum, p.Maximum, f.Min, f.Max)
				}
			}
		}
	}
}

func TestRefusalsAndStatusLabelsAreTranslated(t *testing.T) {
	st := newTestStack(t)
	number := st.submit(t, "agent", ticketOpts{})
	st.resolve(t, number)
	st.waitTicket(t, number, "resolved", func(tk *store.Ticket) bool { return tk.Status == store.StatusResolved })
	api := st.token(t, "agent", store.ScopeWrite)
	call := func(method, target, lang string, body string) apiReply {
		t.Helper()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+api.token)
		req.Header.Set("Content-Type", "application/json")
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		return st.apiDo(t, req)
	}

	t.Run("the API answers in the request's language, French by default", func(t *testing.T) {
		target := "/api/v1/tickets/" + number + "/actions/cancel"
		for _, tc := range []struct{ lang, want string }{
			{"", "Le ticket est résolu : acceptez ou refusez la solution au lieu de l'annuler."},
			{"en-GB,en;q=0.9", "The ticket is resolved: accept or refuse the solution instead of cancelling it."},
		} {
			r := call(http.MethodPost, target, tc.lang, `{"reason":"plus besoin"}`)
			want(t, r, http.StatusConflict, "ECONFLICT")
			if r.errorMessage() != tc.want {
				t.Errorf("Accept-Language %q: %q, want %q", tc.lang, r.errorMessage(), tc.want)
			}
		}
		r := call(http.MethodPost, target, "en", `{"reason":"`+strings.Repeat("x", 2001)+`"}`)
		want(t, r, http.StatusUnprocessableEntity, "EINVALID")
		fields, _ := r.JSON["error"].(map[string]any)["fields"].(map[string]any)
		if got, _ := fields["reason"].(string); !strings.HasPrefix(got, "The reason is too long (2") {
			t.Errorf("fields: %s", r.Raw)
		}
		for _, tc := range []struct{ lang, want string }{
			{"", "Résolu — en attente de validation"}, {"en", "Resolved — awaiting validation"},
		} {
			if got := call(http.MethodGet, "/api/v1/tickets/"+number, tc.lang, "").str("status_label"); got != tc.want {
				t.Errorf("status_label in %q: %q, want %q", tc.lang, got, tc.want)
			}
		}
	})

	t.Run("the English interface shows the workflow's refusal in English", func(t *testing.T) {
		b := st.signedIn(t, "agent")
		b.get("/langue/en?suite=/")
		target := "/incidents/" + number + "/annulation"
		doc := expectStatus(t, b.postForm(target, target, url.Values{"motif": {""}}),
			http.StatusUnprocessableEntity)
		if got := text(doc.Find("#refus-action p")); got != "The ticket is resolved: accept or refuse the solution instead of cancelling it." {
			t.Errorf("refusal = %q", got)
		}
		doc = b.page("/incidents/"+number, http.StatusOK)
		if got := text(doc.Find("#statut")); got != "Resolved — awaiting validation" {
			t.Errorf("status = %q", got)
		}
		if doc.Find("#action-annuler").Length() != 0 || doc.Find("#lien-validation").Length() != 1 {
			t.Error("a resolved ticket offers validation, not cancellation")
		}
	})
}
