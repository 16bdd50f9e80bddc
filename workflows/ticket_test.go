package workflows

import (
	"testing"
	"time"
)

const (
	minute = time.Minute
	hour   = time.Hour
	day    = 24 * time.Hour
)

func TestATicketGoesFromSubmissionThroughARefusalToAcceptance(t *testing.T) {
	h := newHarness(t, monday10(t))
	pick := h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	ask := h.update(2*minute, UpdateRequestInfo, RequestInfoInput{Actor: technician, Question: "Quel est le modèle de l'écran ?"})
	waiting := h.query(3 * minute)
	add := h.update(4*minute, UpdateAddInfo, AddInfoInput{Actor: requester, Body: "Un Dell P2419H."})
	solve := h.update(5*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Câble remplacé."})
	resolved := h.query(6 * minute)
	refuse := h.update(1*hour, UpdateRefuse, RefuseInput{Actor: requester, RatingDelay: 2, RatingQuality: 1, Comment: "L'écran clignote encore."})
	refusedState := h.query(61 * minute)
	solve2 := h.update(2*hour, UpdateResolve, ResolveInput{Actor: technician, Solution: "Écran remplacé.", ArticleID: 42})
	accept := h.update(3*hour, UpdateAccept, AcceptInput{Actor: beneficiary, RatingDelay: 4, RatingQuality: 5, Comment: "Merci !"})
	h.run()

	for _, o := range []*outcome{pick, ask, add, solve, refuse, solve2, accept} {
		accepted(t, o)
	}
	if pick.result.Status != StatusInProgress || ask.result.Status != StatusWaiting || add.result.Status != StatusInProgress ||
		solve.result.Status != StatusResolved || refuse.result.Status != StatusInProgress || accept.result.Status != StatusClosed {
		t.Errorf("statuses along the way: %v %v %v %v %v %v", pick.result.Status, ask.result.Status, add.result.Status,
			solve.result.Status, refuse.result.Status, accept.result.Status)
	}
	if waiting.Status != StatusWaiting || waiting.WaitingSince.IsZero() {
		t.Errorf("after the question: status %q, waiting since %v", waiting.Status, waiting.WaitingSince)
	}
	start := monday10(t)
	if want := start.Add(5 * minute).Add(7 * day); !resolved.ValidationDueAt.Equal(want) {
		t.Errorf("validation due %v, want %v", resolved.ValidationDueAt, want)
	}
	if refusedState.Refusals != 1 || refusedState.TechnicianID != technicianID || !refusedState.ValidationDueAt.IsZero() {
		t.Errorf("after refusal: refusals %d, technician %d, validation due %v", refusedState.Refusals,
			refusedState.TechnicianID, refusedState.ValidationDueAt)
	}

	st := h.final()
	if st.Status != StatusClosed || st.Validation != ValidationAccepted || st.RatingDelay != 4 || st.RatingQuality != 5 ||
		st.Refusals != 1 || st.ArticleID != 42 || st.Solution != "Écran remplacé." || st.ClosedAt.IsZero() || st.Late {
		t.Errorf("final state %+v", st)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{
		EventCreated, EventPickedUp, EventInfoRequested, EventInfoAdded, EventResolved,
		EventRefused, EventResolved, EventAccepted,
	})
	equalStrings(t, "mails", h.fake.mails(), []string{
		MailCreated, MailPickedUp, MailInfoRequested, MailInfoAdded, MailResolved, MailRefused, MailResolved, MailClosed,
	})
	if h.fake.routes != 1 {
		t.Errorf("routed %d times, want once", h.fake.routes)
	}
	if got := h.fake.mail(t, MailInfoAdded); got.ExcludePersonID != requesterID || got.Recipients[0] != RecipientTechnician {
		t.Errorf("information-added mail %+v: want the technician, not the requester", got)
	}
	if got := h.fake.mail(t, MailClosed); got.ExcludePersonID != beneficiaryID {
		t.Errorf("closing mail excludes %d, want the beneficiary who accepted", got.ExcludePersonID)
	}
}

func TestEventSequencesAreUniqueAndIncreasing(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateNote, NoteInput{Actor: technician, Body: "Vu avec le collègue."})
	h.update(3*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Fait."})
	h.update(4*minute, UpdateAccept, AcceptInput{Actor: requester, RatingDelay: 5, RatingQuality: 5})
	h.run()
	st := h.final()

	seen := map[int64]bool{}
	last := int64(0)
	for _, e := range h.fake.events() {
		if e.Seq <= last {
			t.Errorf("event %s has seq %d after %d", e.Kind, e.Seq, last)
		}
		last = e.Seq
		seen[e.Seq] = true
	}
	h.fake.mu.Lock()
	defer h.fake.mu.Unlock()
	for _, n := range h.fake.notifies {
		if seen[n.Seq] {
			t.Errorf("mail %s reuses the sequence %d of an event", n.Kind, n.Seq)
		}
		seen[n.Seq] = true
		if !seen[n.AboutSeq] {
			t.Errorf("mail %s is about unknown event %d", n.Kind, n.AboutSeq)
		}
		if n.DedupeKey == "" || n.Number != h.in.Number {
			t.Errorf("mail %+v lacks its dedupe key or number", n)
		}
	}
	if st.Seq < last {
		t.Errorf("state seq %d behind last event %d", st.Seq, last)
	}
	for _, p := range h.fake.projects {
		if p.Ticket.Seq != p.Events[len(p.Events)-1].Seq {
			t.Errorf("projection of %s carries seq %d, want its last event's", p.Events[0].Kind, p.Ticket.Seq)
		}
	}
}

func TestASupervisorAssignsAndTechniciansReassign(t *testing.T) {
	h := newHarness(t, monday10(t))
	toTech := h.update(1*minute, UpdateAssign, AssignInput{Actor: supervisor, TechnicianID: colleagueID})
	afterAssign := h.query(2 * minute)
	toGroup := h.update(3*minute, UpdateAssign, AssignInput{Actor: colleague, GroupID: level2Group, Reason: "Niveau 2 réseau."})
	afterGroup := h.query(4 * minute)
	pick := h.update(5*minute, UpdatePickUp, PickUpInput{Actor: technician})
	afterPick := h.query(6 * minute)
	h.stopAt(10 * minute)
	h.run()
	h.cancelled()

	accepted(t, toTech)
	accepted(t, toGroup)
	accepted(t, pick)
	if afterAssign.Status != StatusInProgress || afterAssign.TechnicianID != colleagueID || afterAssign.PickedUpAt.IsZero() {
		t.Errorf("after assignment: %+v", afterAssign)
	}
	if afterGroup.Status != StatusInProgress || afterGroup.GroupID != level2Group || afterGroup.TechnicianID != 0 {
		t.Errorf("after group assignment: status %s group %d technician %d", afterGroup.Status, afterGroup.GroupID, afterGroup.TechnicianID)
	}
	if afterPick.TechnicianID != technicianID || afterPick.GroupID != level2Group {
		t.Errorf("after pick-up from the level-2 queue: %+v", afterPick)
	}
	// Mails of one action are queued concurrently: compare them sorted.
	equalStrings(t, "mails", sorted(h.fake.mails()), []string{MailAssigned, MailAssigned, MailCreated, MailPickedUp})
	if got := h.fake.mail(t, MailAssigned); got.TechnicianID != colleagueID || got.ExcludePersonID != supervisorID {
		t.Errorf("assignment mail %+v", got)
	}
	if ev := h.fake.event(t, EventAssigned); ev.Data["group"] != "20" || ev.Data["from_technician"] != "101" || ev.Body != "Niveau 2 réseau." {
		t.Errorf("group assignment event %+v", ev)
	}
}

func TestRequalifyingRecordsEachChangeAndRecomputesThePriority(t *testing.T) {
	h := newHarness(t, monday10(t))
	both := h.update(1*minute, UpdateRequalify, RequalifyInput{Actor: technician, Urgency: 1, Impact: 2, Reason: "Toute la salle est touchée."})
	st := h.query(2 * minute)
	one := h.update(3*minute, UpdateRequalify, RequalifyInput{Actor: technician, Urgency: 1, Impact: 1, Reason: "Et le serveur."})
	h.stopAt(5 * minute)
	h.run()

	accepted(t, both)
	accepted(t, one)
	if st.Urgency != 1 || st.Impact != 2 || st.Priority != 2 {
		t.Errorf("requalified to urgency %d impact %d priority %d, want 1, 2, P2", st.Urgency, st.Impact, st.Priority)
	}
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventUrgencyChanged, EventImpactChanged, EventImpactChanged})
	ev := h.fake.events()[1]
	if ev.Data["from"] != "3" || ev.Data["to"] != "1" || ev.Body != "Toute la salle est touchée." || !ev.Public || ev.ActorID != technicianID {
		t.Errorf("urgency event %+v", ev)
	}
}

func TestRepliesArePublicAndMailedWhileNotesStayInternal(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdateReply, ReplyInput{Actor: technician, Body: "Redémarrez le poste.", AttachmentIDs: []int64{9}})
	h.update(2*minute, UpdateNote, NoteInput{Actor: technician, Body: "Probablement le pilote."})
	h.stopAt(3 * minute)
	h.run()

	reply, note := h.fake.event(t, EventReply), h.fake.event(t, EventNote)
	if !reply.Public || reply.AttachmentIDs[0] != 9 || note.Public {
		t.Errorf("reply public=%v attachments=%v, note public=%v", reply.Public, reply.AttachmentIDs, note.Public)
	}
	equalStrings(t, "mails", h.fake.mails(), []string{MailCreated, MailReply})
}

func TestTheRequesterMayAddInformationInAnyOpenState(t *testing.T) {
	h := newHarness(t, monday10(t))
	inNew := h.update(1*minute, UpdateAddInfo, AddInfoInput{Actor: requester, Body: "Précision."})
	h.update(2*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(3*minute, UpdateResolve, ResolveInput{Actor: technician, Solution: "Fait."})
	inResolved := h.update(4*minute, UpdateAddInfo, AddInfoInput{Actor: beneficiary, AttachmentIDs: []int64{3}})
	h.stopAt(5 * minute)
	h.run()

	accepted(t, inNew)
	accepted(t, inResolved)
	if inNew.result.Status != StatusNew || inResolved.result.Status != StatusResolved {
		t.Errorf("adding information changed the status: %s, %s", inNew.result.Status, inResolved.result.Status)
	}
	if got := h.fake.mail(t, MailInfoAdded); got.Recipients[0] != RecipientGroup {
		t.Errorf("information on an unassigned ticket goes to %v, want the group", got.Recipients)
	}
}

func TestAMailReplyResumesAWaitingTicketAndStrangersAreIgnored(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	h.update(2*minute, UpdateRequestInfo, RequestInfoInput{Actor: technician, Question: "Numéro de série ?"})
	h.signal(3*minute, MailReplyInput{PersonID: 999, Body: "Je ne suis pas le demandeur.", MessageID: "<x@example>"})
	stillWaiting := h.query(4 * minute)
	h.signal(5*minute, MailReplyInput{PersonID: requesterID, Body: "SN 12345", MessageID: "<r@example>"})
	resumed := h.query(6 * minute)
	h.stopAt(7 * minute)
	h.run()

	if stillWaiting.Status != StatusWaiting {
		t.Errorf("a stranger's mail changed the status to %s", stillWaiting.Status)
	}
	if resumed.Status != StatusInProgress {
		t.Errorf("after the requester's mail: %s, want in progress", resumed.Status)
	}
	ev := h.fake.event(t, EventInfoAdded)
	if ev.Body != "SN 12345" || ev.Data["via"] != "mail" || ev.Data["message_id"] != "<r@example>" || ev.ActorID != requesterID {
		t.Errorf("mail reply event %+v", ev)
	}
}

func TestTheRequesterCancelsBeforeResolution(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.update(1*minute, UpdatePickUp, PickUpInput{Actor: technician})
	cancel := h.update(2*minute, UpdateCancel, CancelInput{Actor: requester, Reason: "Réglé tout seul."})
	h.run()

	accepted(t, cancel)
	st := h.final()
	if st.Status != StatusCancelled || st.ClosedAt.IsZero() {
		t.Errorf("final state %s closed at %v", st.Status, st.ClosedAt)
	}
	if got := h.fake.mail(t, MailCancelled); got.ExcludePersonID != requesterID || len(got.Recipients) != 2 {
		t.Errorf("cancellation mail %+v, want requester side and technician, not the author", got)
	}
}

func TestMarkingADuplicateClosesTheTicketAndNamesTheOneToFollow(t *testing.T) {
	h := newHarness(t, monday10(t))
	h.fake.lookups["I240301_0007"] = LookupTicketResult{Found: true, Academy: "creteil", Status: StatusInProgress}
	h.fake.lookups["I240301_0008"] = LookupTicketResult{Found: true, Academy: "rouen", Status: StatusNew}
	h.fake.lookups["I240301_0009"] = LookupTicketResult{Found: true, Academy: "creteil", Status: StatusClosed}
	missing := h.update(1*minute, UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: "I240301_0001"})
	foreign := h.update(2*minute, UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: "I240301_0008"})
	closed := h.update(3*minute, UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: "I240301_0009"})
	ok := h.update(4*minute, UpdateMarkDuplicate, MarkDuplicateInput{Actor: technician, Of: " i240301_0007 "})
	h.run()

	refused(t, missing, "n'existe pas")
	refused(t, foreign, "autre académie")
	refused(t, closed, "choisissez un ticket ouvert")
	accepted(t, ok)
	st := h.final()
	if st.Status != StatusClosed || st.DuplicateOf != "I240301_0007" {
		t.Errorf("final state %s duplicate of %q", st.Status, st.DuplicateOf)
	}
	if ev := h.fake.event(t, EventDuplicate); ev.Data["of"] != "I240301_0007" || !ev.Public {
		t.Errorf("duplicate event %+v", ev)
	}
	if got := h.fake.mail(t, MailDuplicate); got.Recipients[0] != RecipientRequester {
		t.Errorf("duplicate mail %+v", got)
	}
}

func TestTwoTechniciansPickingUpAtOnceGetOneWinner(t *testing.T) {
	h := newHarness(t, monday10(t))
	first := h.update(minute, UpdatePickUp, PickUpInput{Actor: technician})
	second := h.update(minute, UpdatePickUp, PickUpInput{Actor: colleague})
	h.stopAt(2 * minute)
	h.run()

	accepted(t, first)
	// Both passed their validator on a new ticket; the second handler found
	// the ticket taken once it got the lock.
	refused(t, second, "autre technicien")
	equalStrings(t, "events", h.fake.kinds(), []string{EventCreated, EventPickedUp})
}
