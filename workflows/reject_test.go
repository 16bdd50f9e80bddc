package workflows

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
)

// step is one update of a rejection scenario.
type step struct {
	name string
	arg  any
}

var (
	pickUp  = step{UpdatePickUp, PickUpInput{Actor: technician}}
	resolve = step{UpdateResolve, ResolveInput{Actor: technician, Solution: "Fait."}}
	askInfo = step{UpdateRequestInfo, RequestInfoInput{Actor: technician, Question: "Lequel ?"}}
)

func TestRulesRejectForbiddenActionsWithAFrenchReason(t *testing.T) {
	tests := []struct {
		name   string
		before []step
		action step
		want   string
	}{
		{"an unidentified person cannot act", nil, step{UpdateReply, ReplyInput{Body: "x"}}, "non identifiée"},
		{"a requester cannot pick up", nil, step{UpdatePickUp, PickUpInput{Actor: requester}}, "réservée à l'équipe de support"},
		{"a supervisor who is not a technician cannot pick up", nil, step{UpdatePickUp, PickUpInput{Actor: supervisor}}, "Seul un technicien"},
		{"a technician cannot pick up twice", []step{pickUp}, pickUp, "déjà pris ce ticket en charge"},
		{"a technician cannot take a colleague's ticket", []step{pickUp}, step{UpdatePickUp, PickUpInput{Actor: colleague}}, "autre technicien"},
		{"nobody picks up a resolved ticket", []step{pickUp, resolve}, step{UpdatePickUp, PickUpInput{Actor: colleague}}, "Action impossible"},
		{"an assignment needs a target", nil, step{UpdateAssign, AssignInput{Actor: supervisor}}, "Choisissez un technicien ou un groupe"},
		{"an assignment must change something", nil, step{UpdateAssign, AssignInput{Actor: supervisor, GroupID: intakeGroup}}, "déjà affecté"},
		{"a requester cannot assign", nil, step{UpdateAssign, AssignInput{Actor: requester, TechnicianID: technicianID}}, "équipe de support"},
		{"a requalification needs a reason", nil, step{UpdateRequalify, RequalifyInput{Actor: technician, Urgency: 1}}, "motif"},
		{"a requalification must change something", nil, step{UpdateRequalify, RequalifyInput{Actor: technician, Urgency: 3, Reason: "x"}}, "Rien à requalifier"},
		{"urgency stays within 1 to 3", nil, step{UpdateRequalify, RequalifyInput{Actor: technician, Urgency: 4, Reason: "x"}}, "L'urgence doit valoir"},
		{"impact stays within 1 to 3", nil, step{UpdateRequalify, RequalifyInput{Actor: technician, Impact: -1, Reason: "x"}}, "L'impact doit valoir"},
		{"a requester cannot requalify", nil, step{UpdateRequalify, RequalifyInput{Actor: requester, Urgency: 1, Reason: "x"}}, "équipe de support"},
		{"a reply needs text", nil, step{UpdateReply, ReplyInput{Actor: technician, Body: "  "}}, "réponse est vide"},
		{"a requester cannot write an internal note", nil, step{UpdateNote, NoteInput{Actor: requester, Body: "x"}}, "équipe de support"},
		{"a note needs text", nil, step{UpdateNote, NoteInput{Actor: technician}}, "note est vide"},
		{"a text has a length limit", nil, step{UpdateNote, NoteInput{Actor: technician, Body: strings.Repeat("é", maxBody+1)}}, "trop long"},
		{"a question needs a ticket in progress", nil, askInfo, "Action impossible : le ticket est « Nouveau »"},
		{"a question needs text", []step{pickUp}, step{UpdateRequestInfo, RequestInfoInput{Actor: technician}}, "Posez votre question"},
		{"a technician cannot add information as the requester", []step{pickUp}, step{UpdateAddInfo, AddInfoInput{Actor: technician, Body: "x"}}, "réservée au demandeur"},
		{"information needs text or a document", nil, step{UpdateAddInfo, AddInfoInput{Actor: requester}}, "information ajoutée est vide"},
		{"a new ticket cannot be resolved", nil, resolve, "Action impossible"},
		{"a waiting ticket cannot be resolved", []step{pickUp, askInfo}, resolve, "En attente d'information"},
		{"a resolution needs a solution", []step{pickUp}, step{UpdateResolve, ResolveInput{Actor: technician}}, "Décrivez la solution"},
		{"a requester cannot resolve", []step{pickUp}, step{UpdateResolve, ResolveInput{Actor: requester, Solution: "x"}}, "équipe de support"},
		{"an unresolved ticket cannot be accepted", []step{pickUp}, step{UpdateAccept, AcceptInput{Actor: requester, RatingDelay: 3, RatingQuality: 3}}, "Action impossible"},
		{"ratings are at least 1", []step{pickUp, resolve}, step{UpdateAccept, AcceptInput{Actor: requester, RatingDelay: 0, RatingQuality: 3}}, "de 1 à 5"},
		{"ratings are at most 5", []step{pickUp, resolve}, step{UpdateAccept, AcceptInput{Actor: requester, RatingDelay: 3, RatingQuality: 6}}, "de 1 à 5"},
		{"only the requester side accepts", []step{pickUp, resolve}, step{UpdateAccept, AcceptInput{Actor: technician, RatingDelay: 5, RatingQuality: 5}}, "réservée au demandeur"},
		{"a refusal needs a comment", []step{pickUp, resolve}, step{UpdateRefuse, RefuseInput{Actor: requester, RatingDelay: 1, RatingQuality: 1}}, "motivé"},
		{"a refusal rates within 1 to 5", []step{pickUp, resolve}, step{UpdateRefuse, RefuseInput{Actor: requester, RatingDelay: 9, RatingQuality: 1, Comment: "x"}}, "de 1 à 5"},
		{"only the requester side refuses", []step{pickUp, resolve}, step{UpdateRefuse, RefuseInput{Actor: colleague, RatingDelay: 1, RatingQuality: 1, Comment: "x"}}, "réservée au demandeur"},
		{"a technician cannot cancel", nil, step{UpdateCancel, CancelInput{Actor: technician}}, "Seul le demandeur"},
		{"a resolved ticket cannot be cancelled", []step{pickUp, resolve}, step{UpdateCancel, CancelInput{Actor: requester}}, "acceptez ou refusez"},
		{"a duplicate names another ticket", nil, step{UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician}}, "numéro du ticket"},
		{"a ticket is not its own duplicate", nil, step{UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: "i240304_0001"}}, "lui-même"},
		{"a requester cannot mark a duplicate", nil, step{UpdateMarkDuplicate, MarkDuplicateInput{Actor: requester, Of: "I240301_0001"}}, "équipe de support"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, monday10(t))
			at := minute
			var before []*outcome
			for _, s := range tt.before {
				before = append(before, h.update(at, s.name, s.arg))
				at += minute
			}
			o := h.update(at, tt.action.name, tt.action.arg)
			after := h.query(at + minute)
			h.stopAt(at + 2*minute)
			h.run()
			for _, b := range before {
				accepted(t, b)
			}
			refused(t, o, tt.want)
			if o.rejected == nil {
				t.Errorf("rejected by the handler, want by the validator (out of history)")
			}
			if want := int64(len(tt.before)) + 1; int64(len(h.fake.projects)) != want {
				t.Errorf("%d projections, want %d: a rejected action must write nothing", len(h.fake.projects), want)
			}
			if after.Seq == 0 {
				t.Errorf("query after the rejection failed")
			}
		})
	}
}

func TestClosedAndCancelledTicketsAcceptNoAction(t *testing.T) {
	actions := []struct {
		name     string
		validate func(*ticket) error
	}{
		{"pick up", func(tk *ticket) error { return tk.validatePickUp(PickUpInput{Actor: technician}) }},
		{"assign", func(tk *ticket) error {
			return tk.validateAssign(AssignInput{Actor: supervisor, TechnicianID: colleagueID})
		}},
		{"requalify", func(tk *ticket) error {
			return tk.validateRequalify(RequalifyInput{Actor: technician, Urgency: 1, Reason: "x"})
		}},
		{"reply", func(tk *ticket) error { return tk.validateReply(ReplyInput{Actor: technician, Body: "x"}) }},
		{"note", func(tk *ticket) error { return tk.validateNote(NoteInput{Actor: technician, Body: "x"}) }},
		{"request information", func(tk *ticket) error {
			return tk.validateRequestInfo(RequestInfoInput{Actor: technician, Question: "x"})
		}},
		{"add information", func(tk *ticket) error { return tk.validateAddInfo(AddInfoInput{Actor: requester, Body: "x"}) }},
		{"resolve", func(tk *ticket) error { return tk.validateResolve(ResolveInput{Actor: technician, Solution: "x"}) }},
		{"accept", func(tk *ticket) error {
			return tk.validateAccept(AcceptInput{Actor: requester, RatingDelay: 3, RatingQuality: 3})
		}},
		{"refuse", func(tk *ticket) error {
			return tk.validateRefuse(RefuseInput{Actor: requester, RatingDelay: 3, RatingQuality: 3, Comment: "x"})
		}},
		{"cancel", func(tk *ticket) error { return tk.validateCancel(CancelInput{Actor: requester}) }},
		{"mark duplicate", func(tk *ticket) error {
			return tk.validateMarkDuplicate(MarkDuplicateInput{Actor: technician, Of: "I240301_0001"})
		}},
	}
	for _, status := range []struct{ status, want string }{
		{StatusClosed, "est clôturé"},
		{StatusCancelled, "est annulé"},
	} {
		for _, a := range actions {
			t.Run(a.name+" is refused on a "+status.status+" ticket", func(t *testing.T) {
				tk := &ticket{s: TicketState{Number: "I240304_0001", Status: status.status,
					RequesterID: requesterID, BeneficiaryID: beneficiaryID, TechnicianID: technicianID, Urgency: 3, Impact: 3}}
				err := a.validate(tk)
				var app *temporal.ApplicationError
				if !errors.As(err, &app) || app.Type() != ErrRejected || !strings.Contains(app.Error(), status.want) {
					t.Fatalf("error %v, want a %s error saying %q", err, ErrRejected, status.want)
				}
			})
		}
	}
}
