package workflows

import (
	"fmt"
	"strings"
	"testing"
)

// ruleCase is one input derived from the rules table, sent to the
// workflow: the verdict wanted is a refusal with code and field, or an
// acceptance when code is empty.
type ruleCase struct {
	name   string
	action string
	before []step // bring the ticket to a state the action is allowed from
	arg    any
	code   string
	field  string
}

// stepsTo returns the updates that bring a new ticket to status.
func stepsTo(status string) []step {
	switch status {
	case StatusInProgress:
		return []step{pickUp}
	case StatusWaiting:
		return []step{pickUp, askInfo}
	case StatusResolved:
		return []step{pickUp, resolve}
	}
	return nil
}

// allowedActor returns someone the rule lets act.
func allowedActor(r Rule) Actor {
	switch r.Who {
	case WhoParty, WhoPartyOrSupervisor:
		return requester
	}
	return technician
}

// validValues are values every field accepts.
func validValues() map[string]any {
	return map[string]any{
		FieldTechnician: int64(colleagueID), FieldGroup: int64(0), FieldReason: "Motif.",
		FieldUrgency: 1, FieldImpact: 0, FieldBody: "Texte.", FieldQuestion: "Lequel ?",
		FieldSolution: "Fait.", FieldArticle: int64(0), FieldComment: "Merci.",
		FieldRatingDelay: 4, FieldRatingQuality: 4, FieldOf: "I240301_0001",
	}
}

// inputOf builds the Update input of action from field values.
func inputOf(action string, a Actor, v map[string]any) any {
	str := func(name string) string { s, _ := v[name].(string); return s }
	num := func(name string) int { n, _ := v[name].(int); return n }
	id := func(name string) int64 { n, _ := v[name].(int64); return n }
	switch action {
	case UpdatePickUp:
		return PickUpInput{Actor: a}
	case UpdateAssign:
		return AssignInput{Actor: a, TechnicianID: id(FieldTechnician), GroupID: id(FieldGroup), Reason: str(FieldReason)}
	case UpdateRequalify:
		return RequalifyInput{Actor: a, Urgency: num(FieldUrgency), Impact: num(FieldImpact), Reason: str(FieldReason)}
	case UpdateReply:
		return ReplyInput{Actor: a, Body: str(FieldBody)}
	case UpdateNote:
		return NoteInput{Actor: a, Body: str(FieldBody)}
	case UpdateRequestInfo:
		return RequestInfoInput{Actor: a, Question: str(FieldQuestion)}
	case UpdateAddInfo:
		return AddInfoInput{Actor: a, Body: str(FieldBody)}
	case UpdateResolve:
		return ResolveInput{Actor: a, Solution: str(FieldSolution), ArticleID: id(FieldArticle)}
	case UpdateAccept:
		return AcceptInput{Actor: a, RatingDelay: num(FieldRatingDelay), RatingQuality: num(FieldRatingQuality), Comment: str(FieldComment)}
	case UpdateRefuse:
		return RefuseInput{Actor: a, RatingDelay: num(FieldRatingDelay), RatingQuality: num(FieldRatingQuality), Comment: str(FieldComment)}
	case UpdateCancel:
		return CancelInput{Actor: a, Reason: str(FieldReason)}
	case UpdateMarkDuplicate:
		return MarkDuplicateInput{Actor: a, Of: str(FieldOf), Reason: str(FieldReason)}
	}
	panic("unknown action " + action)
}

// ruleCases derives the cases of every action from the rules table: each
// required field left empty, each text at its limit and one character over
// it, each rating and level out of range, and each state the action is not
// allowed from.
func ruleCases() []ruleCase {
	var out []ruleCase
	for _, action := range Actions() {
		r, _ := Rules(action)
		a := allowedActor(r)
		before := stepsTo(r.States[0])
		with := func(name string, value any) any {
			v := validValues()
			v[name] = value
			return inputOf(action, a, v)
		}
		out = append(out, ruleCase{name: action + " with valid fields is accepted", action: action, before: before,
			arg: inputOf(action, a, validValues())})
		for _, f := range r.Fields {
			switch f.Kind {
			case FieldText:
				if f.Required {
					out = append(out, ruleCase{name: action + " without " + f.Name + " is refused", action: action,
						before: before, arg: with(f.Name, " "), code: RefusedRequired, field: f.Name})
				}
				if f.Max > 0 {
					out = append(out, ruleCase{name: fmt.Sprintf("%s with a %s of %d characters is accepted", action, f.Name, f.Max),
						action: action, before: before, arg: with(f.Name, strings.Repeat("é", f.Max))})
					out = append(out, ruleCase{name: fmt.Sprintf("%s with a %s one character too long is refused", action, f.Name),
						action: action, before: before, arg: with(f.Name, strings.Repeat("é", f.Max+1)), code: RefusedTooLong, field: f.Name})
				}
			case FieldRating:
				for _, n := range []int{f.Min - 1, f.Max + 1} {
					out = append(out, ruleCase{name: fmt.Sprintf("%s with a %s of %d is refused", action, f.Name, n), action: action,
						before: before, arg: with(f.Name, n), code: RefusedRatingsRange, field: f.Name})
				}
			case FieldLevel:
				out = append(out, ruleCase{name: fmt.Sprintf("%s with a %s of %d is refused", action, f.Name, f.Max+1), action: action,
					before: before, arg: with(f.Name, f.Max+1), code: RefusedLevelRange, field: f.Name})
			}
		}
		for _, status := range []string{StatusNew, StatusInProgress, StatusWaiting, StatusResolved} {
			if !r.Allows(status) {
				out = append(out, ruleCase{name: action + " from " + status + " is refused", action: action,
					before: stepsTo(status), arg: inputOf(action, a, validValues()), code: RefusedState})
			}
		}
	}
	return out
}

func TestTheWorkflowAppliesTheRulesTable(t *testing.T) {
	for _, tc := range ruleCases() {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, monday10(t))
			h.fake.lookups["I240301_0001"] = LookupTicketResult{Found: true, Academy: "creteil", Status: StatusNew}
			at := minute
			var before []*outcome
			for _, s := range tc.before {
				before = append(before, h.update(at, s.name, s.arg))
				at += minute
			}
			o := h.update(at, tc.action, tc.arg)
			h.stopAt(at + minute)
			h.run()
			for _, b := range before {
				accepted(t, b)
			}
			if tc.code == "" {
				accepted(t, o)
				return
			}
			if o.rejected == nil {
				t.Fatalf("%s: accepted (handler error %v), want refused by the validator with %s", tc.action, o.err, tc.code)
			}
			r, ok := RefusalOf(o.rejected)
			if !ok {
				t.Fatalf("%s: refusal %v carries no code", tc.action, o.rejected)
			}
			if r.Code != tc.code || r.Field != tc.field || r.Action != tc.action {
				t.Fatalf("refused with %+v, want code %q field %q", r, tc.code, tc.field)
			}
			if r.Error() == "" || strings.HasPrefix(r.Error(), "Action refusée.") {
				t.Errorf("no French message for %+v", r)
			}
		})
	}
}

func TestAllowedDecidesWhoAndState(t *testing.T) {
	facts := func(status string, tech int64) Facts {
		return Facts{Number: "I240304_0001", Status: status, RequesterID: requesterID, BeneficiaryID: beneficiaryID, TechnicianID: tech}
	}
	tests := []struct {
		name   string
		action string
		facts  Facts
		actor  Actor
		code   string
	}{
		{"a technician picks up a new ticket", UpdatePickUp, facts(StatusNew, 0), technician, ""},
		{"a supervisor alone cannot pick up", UpdatePickUp, facts(StatusNew, 0), supervisor, RefusedTechnicianOnly},
		{"a technician cannot pick up their own ticket again", UpdatePickUp, facts(StatusInProgress, technicianID), technician, RefusedAlreadyYours},
		{"a technician cannot take a colleague's ticket", UpdatePickUp, facts(StatusInProgress, colleagueID), technician, RefusedTaken},
		{"the beneficiary adds information", UpdateAddInfo, facts(StatusWaiting, technicianID), beneficiary, ""},
		{"a technician cannot add information as the requester", UpdateAddInfo, facts(StatusWaiting, technicianID), technician, RefusedNotParty},
		{"a supervisor may cancel", UpdateCancel, facts(StatusNew, 0), supervisor, ""},
		{"a technician may not cancel", UpdateCancel, facts(StatusNew, 0), technician, RefusedNotParty},
		{"a resolved ticket is not cancelled", UpdateCancel, facts(StatusResolved, technicianID), requester, RefusedState},
		{"a closed ticket accepts nothing", UpdateReply, facts(StatusClosed, technicianID), technician, RefusedState},
		{"nobody unidentified acts", UpdateReply, facts(StatusNew, 0), Actor{}, RefusedUnidentified},
		{"a requester does not reply", UpdateReply, facts(StatusNew, 0), requester, RefusedSupportOnly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Allowed(tt.action, tt.facts, tt.actor)
			switch {
			case tt.code == "" && r != nil:
				t.Fatalf("refused: %+v", r)
			case tt.code != "" && (r == nil || r.Code != tt.code):
				t.Fatalf("got %+v, want code %s", r, tt.code)
			}
		})
	}
}

func TestEveryActionHasARule(t *testing.T) {
	for _, name := range []string{UpdatePickUp, UpdateAssign, UpdateRequalify, UpdateReply, UpdateNote, UpdateRequestInfo,
		UpdateAddInfo, UpdateResolve, UpdateAccept, UpdateRefuse, UpdateCancel, UpdateMarkDuplicate} {
		r, ok := Rules(name)
		if !ok || len(r.States) == 0 || r.Who == "" {
			t.Errorf("%s: rule %+v", name, r)
		}
	}
	if _, ok := Rules("teleport"); ok {
		t.Error("an unknown action has a rule")
	}
}

func TestAddInfoNeedsABodyUnlessDocumentsComeAlong(t *testing.T) {
	if r := CheckInput(AddInfoInput{Actor: requester, AttachmentIDs: []int64{7}}); r != nil {
		t.Fatalf("documents alone refused: %+v", r)
	}
	if r := CheckInput(AddInfoInput{Actor: requester}); r == nil || r.Code != RefusedRequired || r.Field != FieldBody {
		t.Fatalf("nothing at all: %+v", r)
	}
}
