package pages

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// supportAction describes one workflow action of the ticket workspace: the
// form fields it keeps when refused, whether it takes documents, and how
// it builds its Update from the form.
type supportAction struct {
	name   string // URL segment and form key (sact…)
	update string // workflows.Update…
	perm   Permission
	fields []string
	// names maps the contract's field names to the form's.
	names map[string]string
	files bool
	// input builds the Update input from the typed values (and the IDs of
	// the documents stored for it); a non-empty key is a catalogue message
	// refusing the form before any Update.
	input func(s *Pages, c *fiber.Ctx, t *store.QueueTicket, values map[string]string, docs []int64) (func(workflows.Actor) any, string)
}

// supportActions lists the workspace's actions.
func supportActions() map[string]supportAction {
	return map[string]supportAction{
		sactPickUp: {name: sactPickUp, update: workflows.UpdatePickUp, perm: PermTicketPickUp,
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, _ map[string]string, _ []int64) (func(workflows.Actor) any, string) {
				return func(a workflows.Actor) any { return workflows.PickUpInput{Actor: a} }, ""
			}},
		sactAssign: {name: sactAssign, update: workflows.UpdateAssign, perm: PermTicketAssign,
			fields: []string{"technicien", "groupe", "motif"},
			names:  map[string]string{workflows.FieldTechnician: "technicien", workflows.FieldGroup: "groupe", workflows.FieldReason: "motif"},
			input: func(s *Pages, c *fiber.Ctx, t *store.QueueTicket, v map[string]string, _ []int64) (func(workflows.Actor) any, string) {
				tech, group, key := s.assignTarget(c, t.AcademyCode, v["technicien"], v["groupe"])
				if key != "" {
					return nil, key
				}
				return func(a workflows.Actor) any {
					return workflows.AssignInput{Actor: a, TechnicianID: tech, GroupID: group, Reason: v["motif"]}
				}, ""
			}},
		sactRequalify: {name: sactRequalify, update: workflows.UpdateRequalify, perm: PermTicketRequalify,
			fields: []string{"urgence", "impact", "motif"},
			names:  map[string]string{workflows.FieldUrgency: "urgence", workflows.FieldImpact: "impact", workflows.FieldReason: "motif"},
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, v map[string]string, _ []int64) (func(workflows.Actor) any, string) {
				// Levels outside the rules table's range (or not numbers)
				// are refused with the table's message.
				level := func(raw string) int {
					n, err := strconv.Atoi(strings.TrimSpace(raw))
					if err != nil {
						return -1
					}
					return n
				}
				u, i := level(v["urgence"]), level(v["impact"])
				return func(a workflows.Actor) any {
					return workflows.RequalifyInput{Actor: a, Urgency: u, Impact: i, Reason: v["motif"]}
				}, ""
			}},
		sactReply: {name: sactReply, update: workflows.UpdateReply, perm: PermTicketReply,
			fields: []string{"texte"}, files: true, names: map[string]string{workflows.FieldBody: "texte"},
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, v map[string]string, docs []int64) (func(workflows.Actor) any, string) {
				return func(a workflows.Actor) any {
					return workflows.ReplyInput{Actor: a, Body: v["texte"], AttachmentIDs: docs}
				}, ""
			}},
		sactNote: {name: sactNote, update: workflows.UpdateNote, perm: PermTicketNote,
			fields: []string{"texte"}, files: true, names: map[string]string{workflows.FieldBody: "texte"},
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, v map[string]string, docs []int64) (func(workflows.Actor) any, string) {
				return func(a workflows.Actor) any {
					return workflows.NoteInput{Actor: a, Body: v["texte"], AttachmentIDs: docs}
				}, ""
			}},
		sactAsk: {name: sactAsk, update: workflows.UpdateRequestInfo, perm: PermTicketAskInfo,
			fields: []string{"question"}, names: map[string]string{workflows.FieldQuestion: "question"},
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, v map[string]string, _ []int64) (func(workflows.Actor) any, string) {
				return func(a workflows.Actor) any {
					return workflows.RequestInfoInput{Actor: a, Question: v["question"]}
				}, ""
			}},
		sactResolve: {name: sactResolve, update: workflows.UpdateResolve, perm: PermTicketResolve,
			fields: []string{"solution", "article", "article_q"}, files: true,
			names: map[string]string{workflows.FieldSolution: "solution", workflows.FieldArticle: "article"},
			input: func(s *Pages, c *fiber.Ctx, t *store.QueueTicket, v map[string]string, docs []int64) (func(workflows.Actor) any, string) {
				// support_resolve_article.go: a published article the requester reads.
				var article int64
				solution := v["solution"]
				if a, key := s.checkResolveArticle(c, t, v["article"]); key != "" {
					return nil, key
				} else if a != nil {
					article = a.ID
					if strings.TrimSpace(solution) == "" {
						solution = s.articleSolution(s.lang(c), "", a) // resolved by the article alone
					}
				}
				return func(a workflows.Actor) any {
					return workflows.ResolveInput{Actor: a, Solution: solution, ArticleID: article, AttachmentIDs: docs}
				}, ""
			}},
		sactDuplicate: {name: sactDuplicate, update: workflows.UpdateMarkDuplicate, perm: PermTicketDuplicate,
			fields: []string{"numero", "motif"},
			names:  map[string]string{workflows.FieldOf: "numero", workflows.FieldReason: "motif"},
			input: func(_ *Pages, _ *fiber.Ctx, _ *store.QueueTicket, v map[string]string, _ []int64) (func(workflows.Actor) any, string) {
				of := strings.ToUpper(strings.TrimSpace(v["numero"]))
				return func(a workflows.Actor) any {
					return workflows.MarkDuplicateInput{Actor: a, Of: of, Reason: v["motif"]}
				}, ""
			}},
	}
}

// supportActionHandler handles POST /support/incidents/:number/<action>:
// the action goes to the ticket's workflow as an Update. Done, it redirects
// to the workspace (Post/Redirect/Get); refused, the workspace is shown
// again with the French message on that form and what was typed.
func (s *Pages) supportActionHandler(action string) fiber.Handler {
	act := supportActions()[action]
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		number := c.Params("number")
		t, err := s.supportTicketOf(c, number)
		if err != nil {
			return err
		}
		if ok, err := s.can(c, act.perm, t.AcademyCode); err != nil {
			return err
		} else if !ok {
			return &Error{Code: EFORBIDDEN, Err: fmt.Errorf("person %d lacks %s in %s", currentUser(c).ID, act.perm, t.AcademyCode)}
		}
		values := map[string]string{}
		for _, f := range act.fields {
			values[f] = c.FormValue(f)
		}
		if act.name == sactResolve && c.FormValue("reprendre") != "" {
			// Reprendre (without script): fill the solution from the chosen
			// article, resolve nothing yet (support_resolve_article.go).
			return s.supportResolveRefill(c, t, values)
		}
		refuse := func(msg string) error { return s.supportRefused(c, number, act.name, msg, "", values) }
		lang := s.lang(c)

		var docs []int64
		if act.files {
			files, key, err := s.supportUploads(c, "documents", currentUser(c).ID)
			if err != nil {
				return err
			}
			if key != "" {
				return refuse(s.i18n.T(lang, key, kit.FormatBytes(s.supportMaxFile())))
			}
			if len(files) > 0 {
				if err := s.db.AddAttachments(ctx, t.Number, files); err != nil {
					return fmt.Errorf("web: %s %s: %w", act.name, number, err)
				}
				for _, f := range files {
					docs = append(docs, f.ID)
				}
			}
		}
		build, key := act.input(s, c, t, values, docs)
		if key != "" {
			s.dropDocuments(c, t.Number, docs)
			return refuse(s.i18n.T(lang, key))
		}
		_, err = s.updateTicket(c, &t.Ticket, act.update, build)
		if err != nil {
			s.dropDocuments(c, t.Number, docs)
			var ae *tickets.ActionError
			if errors.As(err, &ae) {
				msg := ae.Message
				if len(docs) > 0 {
					msg += " " + s.i18n.T(lang, "support.files.again")
				}
				field := ""
				if ae.Refusal != nil && ae.Refusal.IsInput() {
					field = act.names[ae.Refusal.Field]
				}
				return s.supportRefused(c, number, act.name, msg, field, values)
			}
			return err
		}
		q := url.Values{"fait": {act.name}}
		return c.Redirect("/support/incidents/"+url.PathEscape(t.Number)+"?"+q.Encode()+"#chronologie", fiber.StatusSeeOther)
	}
}

// supportRefused shows the workspace again with a refused form: its
// message and the values typed.
func (s *Pages) supportRefused(c *fiber.Ctx, number, action, msg, field string, values map[string]string) error {
	v, err := s.supportTicketView(c, number)
	if err != nil {
		return err
	}
	v.forms[action] = &supportForm{Error: msg, Field: field, Values: values}
	if v.Open {
		// The refused form stays on the page with what was typed, even
		// when the ticket's state no longer offers it.
		v.CanAct[action] = true
	}
	if action == sactResolve && v.CanAct[sactResolve] {
		// Keep the search and the article chosen.
		if v.Articles, err = s.supportArticles(c, v.Ticket.AcademyCode, values["article_q"], values["article"]); err != nil {
			return err
		}
	}
	if !v.CanAct[action] {
		v.ActionsError = msg
	}
	return s.render(c, fiber.StatusUnprocessableEntity, "support_ticket", v)
}

// dropDocuments deletes documents stored for an action that did not happen.
func (s *Pages) dropDocuments(c *fiber.Ctx, number string, ids []int64) {
	if len(ids) == 0 {
		return
	}
	if err := s.db.DeleteUnlinkedAttachments(c.UserContext(), number, ids); err != nil {
		s.log.WarnContext(c.UserContext(), "drop documents of a refused action", slog.String("ticket", number), slog.Any("error", err))
	}
}

// supportUploads reads the documents of a multipart form field, refusing
// (with a catalogue key taking the size limit) a file larger than the
// per-file limit or a set larger than the upload limit.
func (s *Pages) supportUploads(c *fiber.Ctx, name string, uploader int64) ([]store.Attachment, string, error) {
	if !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEMultipartForm) {
		return nil, "", nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, "", &Error{Code: EINVALID, Err: fmt.Errorf("web: multipart form: %w", err)}
	}
	var out []store.Attachment
	var total int64
	for _, fh := range form.File[name] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		if fh.Size > s.supportMaxFile() {
			return nil, "support.files.toolarge", nil
		}
		total += fh.Size
		if total > s.maxUpload {
			return nil, "support.files.toolarge", nil
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", fmt.Errorf("web: open upload: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(f, s.supportMaxFile()+1))
		_ = f.Close() // read-only: everything needed is in data already
		if err != nil {
			return nil, "", fmt.Errorf("web: read upload: %w", err)
		}
		// The type comes from the bytes, never from the browser's claim,
		// and the name is reduced to a safe base name (as the incident form
		// does).
		ctype := sniffType(data)
		out = append(out, store.Attachment{
			UploaderID: uploader, Filename: cleanFilename(fh.Filename),
			ContentType: ctype, Size: int64(len(data)), Data: data,
		})
	}
	return out, "", nil
}
