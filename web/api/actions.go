package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// apiActionInput is the JSON body of POST
// /api/v1/tickets/{number}/actions/{action}; each action reads its fields.
type apiActionInput struct {
	Body          string  `json:"body"`
	FileIDs       []int64 `json:"file_ids"`
	GroupID       int64   `json:"group_id"`
	TechnicianID  int64   `json:"technician_id"`
	Reason        string  `json:"reason"`
	Urgency       int     `json:"urgency"`
	Impact        int     `json:"impact"`
	Question      string  `json:"question"`
	Solution      string  `json:"solution"`
	ArticleID     int64   `json:"article_id"`
	RatingDelay   int     `json:"rating_delay"`
	RatingQuality int     `json:"rating_quality"`
	Comment       string  `json:"comment"`
	Of            string  `json:"of"`
}

// apiAction is one action of the API: the permission it needs in the
// ticket's académie, whether only the ticket's requester or beneficiary may
// do it, the Update it sends and how to build its input. The input's
// fields are checked by the rules table (workflows.CheckInput), whose
// field names are the JSON names of apiActionInput.
type apiAction struct {
	perm  kit.Permission
	party bool
	// files: the action takes documents (file_ids).
	files  bool
	update string
	build  func(a workflows.Actor, in *apiActionInput, files []int64) any
}

// apiActions maps the API's action names to their definitions.
func apiActions() map[string]apiAction {
	return map[string]apiAction{
		"pickup": {perm: kit.PermTicketPickUp, update: workflows.UpdatePickUp,
			build: func(a workflows.Actor, _ *apiActionInput, _ []int64) any { return workflows.PickUpInput{Actor: a} }},
		"assign": {perm: kit.PermTicketAssign, update: workflows.UpdateAssign,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.AssignInput{Actor: a, GroupID: in.GroupID, TechnicianID: in.TechnicianID, Reason: in.Reason}
			}},
		"requalify": {perm: kit.PermTicketRequalify, update: workflows.UpdateRequalify,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.RequalifyInput{Actor: a, Urgency: in.Urgency, Impact: in.Impact, Reason: in.Reason}
			}},
		"reply": {perm: kit.PermTicketReply, update: workflows.UpdateReply, files: true,
			build: func(a workflows.Actor, in *apiActionInput, files []int64) any {
				return workflows.ReplyInput{Actor: a, Body: in.Body, AttachmentIDs: files}
			}},
		"note": {perm: kit.PermTicketNote, update: workflows.UpdateNote, files: true,
			build: func(a workflows.Actor, in *apiActionInput, files []int64) any {
				return workflows.NoteInput{Actor: a, Body: in.Body, AttachmentIDs: files}
			}},
		"request-info": {perm: kit.PermTicketAskInfo, update: workflows.UpdateRequestInfo,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.RequestInfoInput{Actor: a, Question: in.Question}
			}},
		"add-info": {perm: kit.PermTicketAddInfo, party: true, update: workflows.UpdateAddInfo, files: true,
			build: func(a workflows.Actor, in *apiActionInput, files []int64) any {
				return workflows.AddInfoInput{Actor: a, Body: in.Body, AttachmentIDs: files}
			}},
		"resolve": {perm: kit.PermTicketResolve, update: workflows.UpdateResolve,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.ResolveInput{Actor: a, Solution: in.Solution, ArticleID: in.ArticleID}
			}},
		"accept": {perm: kit.PermTicketValidate, party: true, update: workflows.UpdateAccept,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.AcceptInput{Actor: a, RatingDelay: in.RatingDelay, RatingQuality: in.RatingQuality, Comment: in.Comment}
			}},
		"refuse": {perm: kit.PermTicketValidate, party: true, update: workflows.UpdateRefuse,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.RefuseInput{Actor: a, RatingDelay: in.RatingDelay, RatingQuality: in.RatingQuality, Comment: in.Comment}
			}},
		"cancel": {perm: kit.PermTicketCancel, party: true, update: workflows.UpdateCancel,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.CancelInput{Actor: a, Reason: in.Reason}
			}},
		"duplicate": {perm: kit.PermTicketDuplicate, update: workflows.UpdateMarkDuplicate,
			build: func(a workflows.Actor, in *apiActionInput, _ []int64) any {
				return workflows.MarkDuplicateInput{Actor: a, Of: strings.TrimSpace(in.Of), Reason: in.Reason}
			}},
	}
}

// ActionNames lists the actions of POST
// /api/v1/tickets/{number}/actions/{action} (for the OpenAPI document).
func ActionNames() []string {
	return []string{"pickup", "assign", "requalify", "reply", "note", "request-info", "add-info",
		"resolve", "accept", "refuse", "cancel", "duplicate"}
}

// apiTicketAction answers POST /api/v1/tickets/{number}/actions/{action}:
// the action goes through the ticket workflow's Update, as on the web.
// 404 for a ticket the caller may not see or an unknown action, 403 for an
// action outside their rights, 422 for a bad input (naming the field), 409
// for an action the ticket's state refuses; 200 with the ticket once
// applied.
func (s *API) apiTicketAction(c *fiber.Ctx) error {
	act, ok := apiActions()[c.Params("action")]
	if !ok {
		return &kit.Error{Code: kit.ENOTFOUND, Key: "api.error.action", Args: []any{c.Params("action")}}
	}
	t, v, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return err
	}
	allowed, err := kit.Can(c, s.db, act.perm, t.AcademyCode)
	if err != nil {
		return err
	}
	if !allowed || act.party && !v.IsParty(t) {
		return &kit.Error{Code: kit.EFORBIDDEN, Key: "api.error.forbidden.action",
			Err: fmt.Errorf("person %d may not %s ticket %s", v.PersonID, c.Params("action"), t.Number)}
	}
	// A malformed retry key is refused here, before the uploads named by
	// file_ids are attached to the ticket (the Update ID checks it again).
	if key := c.Get(tickets.HeaderIdempotencyKey); key != "" && !tickets.ValidIdempotencyKey(key) {
		return Unprocessable("api.error.idempotency", tickets.MaxIdempotencyKey)
	}
	var in apiActionInput
	if body := c.Body(); len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return Unprocessable("api.error.json", err.Error())
		}
	}
	// The fields first, from the rules table, before any file is attached
	// (the IDs given stand for the documents).
	if r := workflows.CheckInput(act.build(workflows.Actor{}, &in, in.FileIDs)); r != nil {
		return s.apiRefusal(c, r, nil)
	}
	var fileIDs []int64
	if len(in.FileIDs) > 0 {
		if !act.files {
			return Unprocessable("api.error.nofiles")
		}
		if fileIDs, err = s.attachAPIFiles(c, t, in.FileIDs); err != nil {
			return err
		}
	}
	if _, err := s.updateTicket(c, t, act.update, func(a workflows.Actor) any { return act.build(a, &in, fileIDs) }); err != nil {
		var ae *tickets.ActionError
		if errors.As(err, &ae) {
			if ae.Refusal != nil {
				return s.apiRefusal(c, ae.Refusal, err)
			}
			status := fiber.StatusConflict
			if ae.Reason == "unavailable" {
				status = fiber.StatusServiceUnavailable
			}
			return &kit.Error{Code: kit.ECONFLICT, Status: status, Key: "api.message", Args: []any{ae.Message}, Err: err}
		}
		return err
	}
	saved, err := s.db.GetTicket(c.UserContext(), t.Number)
	if err != nil {
		return err
	}
	out, err := s.apiTicketOf(c, saved, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// attachAPIFiles turns the caller's uploaded files into attachments of
// ticket t (not yet linked to an event: the projection links them) and
// returns their IDs.
func (s *API) attachAPIFiles(c *fiber.Ctx, t *store.Ticket, ids []int64) ([]int64, error) {
	ctx := c.UserContext()
	key := apiDraftSession(Token(c))
	ids = uniqueInt64(ids)
	drafts, err := s.db.DraftUploads(ctx, key, ids, true)
	if err != nil {
		return nil, err
	}
	if len(drafts) != len(ids) {
		return nil, Unprocessable("api.error.fileids")
	}
	var total int64
	files := make([]store.Attachment, len(drafts))
	for i, d := range drafts {
		total += d.Size
		files[i] = d.Attachment()
	}
	if total > s.maxUpload {
		return nil, Unprocessable("incident.error.file.total", drafts[len(drafts)-1].Filename, kit.FormatBytes(s.maxUpload))
	}
	if err := s.db.AddAttachments(ctx, t.Number, files); err != nil {
		return nil, err
	}
	if err := s.db.DeleteDraftUploads(ctx, key, ids); err != nil {
		s.log.WarnContext(ctx, "api: delete uploaded files", "ticket", t.Number, "error", err)
	}
	out := make([]int64, len(files))
	for i, f := range files {
		out[i] = f.ID
	}
	return out, nil
}

// apiRefusal answers a refusal of the rules table, translated: 422 naming
// the field for a bad input, 403 when the person may not take the action,
// 409 when the ticket's state refuses it.
func (s *API) apiRefusal(c *fiber.Ctx, r *workflows.Refusal, cause error) error {
	msg := s.tickets.RefusalMessage(kit.Lang(c), r)
	switch {
	case r.IsInput():
		return &kit.Error{Code: kit.EINVALID, Status: fiber.StatusUnprocessableEntity, Key: "api.message", Args: []any{msg},
			Fields: map[string]string{r.Field: msg}, Err: cause}
	case r.IsWho():
		return &kit.Error{Code: kit.EFORBIDDEN, Key: "api.message", Args: []any{msg}, Err: cause}
	}
	return &kit.Error{Code: kit.ECONFLICT, Key: "api.message", Args: []any{msg}, Err: cause}
}
