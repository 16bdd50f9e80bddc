package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"guichet/intake"
	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
	"guichet/workflows"
)

// apiPerson is a person as the API shows them.
type apiPerson struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// apiAttachment is a document's metadata.
type apiAttachment struct {
	ID          int64     `json:"id"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	EventSeq    int64     `json:"event_seq"`
	CreatedAt   time.Time `json:"created_at"`
}

// apiEvent is a timeline entry.
type apiEvent struct {
	Seq       int64             `json:"seq"`
	Kind      string            `json:"kind"`
	Public    bool              `json:"public"`
	ActorID   *int64            `json:"actor_id"`
	Body      string            `json:"body,omitempty"`
	Data      map[string]string `json:"data,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
}

// apiTicket is a ticket as the API shows it; the number comes first.
type apiTicket struct {
	Number       string     `json:"number"`
	Academy      string     `json:"academy"`
	Status       string     `json:"status"`
	StatusLabel  string     `json:"status_label"`
	CategoryID   int64      `json:"category_id"`
	Category     string     `json:"category"`
	Urgency      int        `json:"urgency"`
	Impact       int        `json:"impact"`
	Priority     int        `json:"priority"`
	Private      bool       `json:"private"`
	Description  string     `json:"description"`
	Requester    *apiPerson `json:"requester"`
	Beneficiary  *apiPerson `json:"beneficiary"`
	Location     string     `json:"location"`
	Entity       string     `json:"entity"`
	Phone        string     `json:"phone"`
	OtherPhone   string     `json:"other_phone"`
	Availability string     `json:"availability"`
	Service      string     `json:"service"`
	Office       string     `json:"office"`
	Equipment    string     `json:"equipment"`
	Brand        string     `json:"brand"`
	Model        string     `json:"model"`
	Serial       string     `json:"serial"`
	Maintenance  string     `json:"maintenance"`
	Placement    string     `json:"placement"`
	GroupID      *int64     `json:"group_id"`
	TechnicianID *int64     `json:"technician_id"`
	Late         bool       `json:"late"`
	Solution     string     `json:"solution"`
	DuplicateOf  string     `json:"duplicate_of"`
	Validation   string     `json:"validation"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	PickedUpAt   *time.Time `json:"picked_up_at"`
	ResolvedAt   *time.Time `json:"resolved_at"`
	ClosedAt     *time.Time `json:"closed_at"`
	// Attachments and Timeline are filled for one ticket, not in lists.
	Attachments []apiAttachment `json:"attachments,omitempty"`
	Timeline    []apiEvent      `json:"timeline,omitempty"`
}

// apiTicketOf renders a ticket for viewer v: the timeline is public only
// unless v works on the ticket's support platform.
func (s *API) apiTicketOf(c *fiber.Ctx, t *store.Ticket, v store.Viewer) (*apiTicket, error) {
	ctx := c.UserContext()
	people, err := s.db.PeopleByID(ctx, []int64{t.RequesterID, t.BeneficiaryID})
	if err != nil {
		return nil, err
	}
	person := func(id int64) *apiPerson {
		p, ok := people[id]
		if !ok {
			return &apiPerson{ID: id}
		}
		return &apiPerson{ID: p.ID, Login: p.Login, FirstName: p.FirstName, LastName: p.LastName}
	}
	out := &apiTicket{
		Number: t.Number, Academy: t.AcademyCode, Status: t.Status, StatusLabel: s.host.StatusLabel(kit.Lang(c), t.Status),
		CategoryID: t.CategoryID, Category: t.CategoryPath, Urgency: t.Urgency, Impact: t.Impact,
		Priority: t.Priority, Private: t.Private, Description: t.Description,
		Requester: person(t.RequesterID), Beneficiary: person(t.BeneficiaryID),
		Location: t.Location, Entity: t.Entity, Phone: t.Phone, OtherPhone: t.OtherPhone,
		Availability: t.Availability, Service: t.Service, Office: t.Office,
		Equipment: t.Equipment, Brand: t.Brand, Model: t.Model, Serial: t.Serial,
		Maintenance: t.Maintenance, Placement: t.Placement,
		GroupID: t.GroupID, TechnicianID: t.TechnicianID, Late: t.Late, Solution: t.Solution,
		DuplicateOf: t.DuplicateOf, Validation: t.Validation,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, PickedUpAt: t.PickedUpAt,
		ResolvedAt: t.ResolvedAt, ClosedAt: t.ClosedAt,
		Attachments: []apiAttachment{}, Timeline: []apiEvent{},
	}
	internal := v.IsSupport(t.AcademyCode)
	evs, err := s.db.Timeline(ctx, t.Number, internal)
	if err != nil {
		return nil, err
	}
	public := map[int64]bool{}
	for _, e := range evs {
		public[e.Seq] = true
		ae := apiEvent{Seq: e.Seq, Kind: e.Kind, Public: e.Public, ActorID: e.ActorID, Body: e.Body, CreatedAt: e.CreatedAt}
		if e.Data != "" && e.Data != "{}" {
			_ = json.Unmarshal([]byte(e.Data), &ae.Data)
		}
		out.Timeline = append(out.Timeline, ae)
	}
	as, err := s.db.Attachments(ctx, t.Number)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		// Documents of internal notes stay with support.
		if !internal && a.EventSeq != 0 && !public[a.EventSeq] {
			continue
		}
		out.Attachments = append(out.Attachments, apiAttachment{ID: a.ID, Filename: a.Filename,
			ContentType: a.ContentType, Size: a.Size, EventSeq: a.EventSeq, CreatedAt: a.CreatedAt})
	}
	return out, nil
}

// apiTicketShow answers GET /api/v1/tickets/{number}: the ticket with its
// timeline; 404 for a ticket the caller may not see.
func (s *API) apiTicketShow(c *fiber.Ctx) error {
	t, v, err := s.visibleTicket(c, c.Params("number"))
	if err != nil {
		return err
	}
	out, err := s.apiTicketOf(c, t, v)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// apiListRow is a ticket in a list.
type apiListRow struct {
	Number      string    `json:"number"`
	Status      string    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Category    string    `json:"category"`
	Urgency     int       `json:"urgency"`
	Private     bool      `json:"private"`
	Excerpt     string    `json:"excerpt"`
	RequesterID int64     `json:"requester_id"`
	CreatedAt   time.Time `json:"created_at"`
}

// apiList is a page of tickets.
type apiList struct {
	Tickets []apiListRow `json:"tickets"`
	Page    int          `json:"page"`
	PerPage int          `json:"per_page"`
	Total   int          `json:"total"`
	// TotalCapped: counting stopped at Total (store.CountCap, or the end of
	// the page asked); there are more tickets than Total.
	TotalCapped bool `json:"total_capped"`
	Pages       int  `json:"pages"`
}

// apiTicketList answers GET /api/v1/tickets: the tickets of the académie
// the caller may see (?scope=mine: only those they filed or that were filed
// for them), with the web lists' filters, sort and pagination.
func (s *API) apiTicketList(c *fiber.Ctx) error {
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	o := store.ListOptions{}
	switch c.Query("status", "open") {
	case "open":
		o.Filter = store.FilterOpen
	case "all":
		o.Filter = store.FilterAll
	case "closed":
		o.Filter = store.FilterClosed
	default:
		return apiInvalid("api.error.query", "status")
	}
	switch c.Query("sort", "created") {
	case "created":
		o.Sort = store.SortCreated
	case "number":
		o.Sort = store.SortNumber
	case "urgency":
		o.Sort = store.SortUrgency
	case "status":
		o.Sort = store.SortStatus
	default:
		return apiInvalid("api.error.query", "sort")
	}
	switch c.Query("order", "desc") {
	case "desc":
		o.Desc = true
	case "asc":
	default:
		return apiInvalid("api.error.query", "order")
	}
	if o.Page, err = queryInt(c, "page", 1); err != nil || o.Page < 1 {
		return apiInvalid("api.error.query", "page")
	}
	if o.PageSize, err = queryInt(c, "per_page", store.DefaultPageSize); err != nil || !validPageSize(o.PageSize) {
		return apiInvalid("api.error.query", "per_page")
	}
	mine := false
	switch c.Query("scope", "visible") {
	case "visible":
	case "mine":
		mine = true
	default:
		return apiInvalid("api.error.query", "scope")
	}
	l, err := s.db.APITickets(c.UserContext(), v, kit.AcademyOf(c), mine, o)
	if err != nil {
		return err
	}
	out := apiList{Tickets: []apiListRow{}, Page: l.Options.Page, PerPage: l.Options.PageSize, Total: l.Total, TotalCapped: l.TotalCapped, Pages: l.Pages}
	for _, r := range l.Rows {
		out.Tickets = append(out.Tickets, apiListRow{Number: r.Number, Status: r.Status,
			StatusLabel: s.host.StatusLabel(kit.Lang(c), r.Status), Category: r.CategoryPath, Urgency: r.Urgency,
			Private: r.Private, Excerpt: r.Description, RequesterID: r.RequesterID, CreatedAt: r.CreatedAt})
	}
	return c.JSON(out)
}

func validPageSize(n int) bool {
	for _, p := range store.PageSizes() {
		if p == n {
			return true
		}
	}
	return false
}

// queryInt reads an integer query parameter (def when absent).
func queryInt(c *fiber.Ctx, name string, def int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return def, nil
	}
	return strconv.Atoi(raw)
}

// apiInvalid is a 400 naming the bad query parameter or field.
func apiInvalid(key string, args ...any) *kit.Error {
	return &kit.Error{Code: kit.EINVALID, Key: key, Args: args}
}

// Unprocessable is a 422 with a message from the catalogue.
func Unprocessable(key string, args ...any) *kit.Error {
	return &kit.Error{Code: kit.EINVALID, Status: fiber.StatusUnprocessableEntity, Key: key, Args: args}
}

// apiTicketInput is the body of POST /api/v1/tickets (JSON, or the same
// names as multipart form fields, files in "files").
type apiTicketInput struct {
	BeneficiaryID int64   `json:"beneficiary_id"`
	Phone         string  `json:"phone"`
	OtherPhone    string  `json:"other_phone"`
	Availability  string  `json:"availability"`
	Service       string  `json:"service"`
	Office        string  `json:"office"`
	CategoryID    int64   `json:"category_id"`
	AssetID       int64   `json:"asset_id"`
	Equipment     string  `json:"equipment"`
	Brand         string  `json:"brand"`
	Model         string  `json:"model"`
	Serial        string  `json:"serial"`
	Maintenance   string  `json:"maintenance"`
	Placement     string  `json:"placement"`
	Urgency       int     `json:"urgency"`
	Private       bool    `json:"private"`
	Description   string  `json:"description"`
	FileIDs       []int64 `json:"file_ids"`
}

// formFieldOfAPI maps the web form's field ids (validateIncident) to the
// API's field names.
var formFieldOfAPI = map[string]string{
	"recherche": "beneficiary_id", "telephone": "phone", "autre_telephone": "other_phone",
	"disponibilite": "availability", "service": "service", "bureau": "office",
	"categorie": "category_id", "materiel": "equipment", "marque": "brand", "modele": "model",
	"numero_serie": "serial", "maintenance": "maintenance", "emplacement": "placement",
	"urgence": "urgency", "description": "description", "documents": "files",
}

// apiFieldsError is the 422 answer of a ticket that fails validation:
// {"error":{"code","message","fields":{name: message}}}.
func apiFieldsError(c *fiber.Ctx, errs *tickets.FormErrors) error {
	fields := map[string]string{}
	var msgs []string
	for _, e := range errs.List() {
		name := formFieldOfAPI[e.ID]
		if name == "" {
			name = e.ID
		}
		fields[name] = e.Message
		msgs = append(msgs, e.Message)
	}
	return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": fiber.Map{
		"code": kit.EINVALID, "message": strings.Join(msgs, " "), "fields": fields,
	}})
}

// readTicketInput reads the body of POST /api/v1/tickets and the files of a
// multipart body.
func readTicketInput(c *fiber.Ctx) (apiTicketInput, []*multipart.FileHeader, error) {
	var in apiTicketInput
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		if err := json.Unmarshal(c.Body(), &in); err != nil {
			return in, nil, apiInvalid("api.error.json", err.Error())
		}
		return in, nil, nil
	}
	mf, err := c.MultipartForm()
	if errors.Is(err, fasthttp.ErrNoMultipartForm) {
		return in, nil, &kit.Error{Code: kit.EINVALID, Status: fiber.StatusUnsupportedMediaType, Key: "api.error.mediatype"}
	}
	if err != nil {
		return in, nil, apiInvalid("api.error.multipart")
	}
	num := func(name string) int64 {
		n, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
		return max(n, 0)
	}
	in = apiTicketInput{
		BeneficiaryID: num("beneficiary_id"), Phone: c.FormValue("phone"), OtherPhone: c.FormValue("other_phone"),
		Availability: c.FormValue("availability"), Service: c.FormValue("service"), Office: c.FormValue("office"),
		CategoryID: num("category_id"), AssetID: num("asset_id"), Equipment: c.FormValue("equipment"),
		Brand: c.FormValue("brand"), Model: c.FormValue("model"), Serial: c.FormValue("serial"),
		Maintenance: c.FormValue("maintenance"), Placement: c.FormValue("placement"),
		Urgency: int(num("urgency")), Description: c.FormValue("description"),
	}
	switch strings.ToLower(c.FormValue("private")) {
	case "1", "true", "on", "yes":
		in.Private = true
	}
	for _, raw := range mf.Value["file_ids"] {
		if n, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64); err == nil && n > 0 {
			in.FileIDs = append(in.FileIDs, n)
		}
	}
	return in, mf.File["files"], nil
}

// apiTicketCreate answers POST /api/v1/tickets: the same fields and
// validation as the new-incident form, documents sent along (multipart
// "files") or uploaded before (POST /api/v1/files, "file_ids"). 201 with
// the ticket.
func (s *API) apiTicketCreate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	lang := kit.Lang(c)
	u := kit.CurrentUser(c)
	in, headers, err := readTicketInput(c)
	if err != nil {
		return err
	}
	if in.BeneficiaryID == 0 {
		in.BeneficiaryID = u.ID
	}
	if in.Urgency == 0 {
		in.Urgency = workflows.DefaultLevel
	}
	f := tickets.IncidentForm{
		BeneficiaryID: in.BeneficiaryID, Phone: tickets.CleanLine(in.Phone), OtherPhone: tickets.CleanLine(in.OtherPhone),
		Availability: tickets.CleanLine(in.Availability), Service: tickets.CleanLine(in.Service), Office: tickets.CleanLine(in.Office),
		CategoryID: in.CategoryID, AssetID: in.AssetID,
		Equipment: tickets.CleanLine(in.Equipment), Brand: tickets.CleanLine(in.Brand), Model: tickets.CleanLine(in.Model),
		Serial: tickets.CleanLine(in.Serial), Maintenance: tickets.CleanLine(in.Maintenance), Placement: tickets.CleanLine(in.Placement),
		Urgency: in.Urgency, Private: in.Private, Description: tickets.CleanText(in.Description), Filled: true,
	}
	if err := s.host.FillAsset(c, &f); err != nil {
		return err
	}
	errs := &tickets.FormErrors{}
	ben, leaf, err := s.host.ValidateIncident(c, false, &f, errs)
	if err != nil {
		return err
	}
	// Documents: those uploaded before, then those sent now, within the
	// per-file and per-ticket limits.
	tok := Token(c)
	drafts, err := s.db.DraftUploads(ctx, apiDraftSession(tok), in.FileIDs, true)
	if err != nil {
		return err
	}
	if len(drafts) != len(uniqueInt64(in.FileIDs)) {
		errs.Add("documents", s.i18n.T(lang, "api.error.fileids"))
	}
	var files []store.Attachment
	var total int64
	for _, d := range drafts {
		total += d.Size
		files = append(files, d.Attachment())
	}
	sent, msgs, err := s.readAPIUploads(lang, headers, total)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		errs.Add("documents", m)
	}
	for _, a := range sent {
		a.UploaderID = u.ID
		files = append(files, a)
	}
	if errs.Any() {
		return apiFieldsError(c, errs)
	}
	if s.intake == nil {
		return &kit.Error{Code: kit.EINTERNAL, Status: fiber.StatusServiceUnavailable, Key: "api.error.unavailable",
			Err: errors.New("no intake service")}
	}
	t := f.Ticket(u.ID, ben, leaf)
	number, err := s.intake.Submit(ctx, t, files)
	if id, ok := intake.SpooledID(err); ok {
		// Kept in the spool: stored as soon as the database answers again.
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"submission": id, "status": "spooled"})
	}
	if err != nil {
		return fmt.Errorf("web: api submit ticket: %w", err)
	}
	if err := s.db.DeleteDraftUploads(ctx, apiDraftSession(tok), in.FileIDs); err != nil {
		s.log.WarnContext(ctx, "api: delete uploaded files", "ticket", number, "error", err)
	}
	saved, err := s.db.GetTicket(ctx, number)
	if err != nil {
		return err
	}
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	out, err := s.apiTicketOf(c, saved, v)
	if err != nil {
		return err
	}
	c.Location("/api/v1/tickets/" + number)
	return c.Status(fiber.StatusCreated).JSON(out)
}

// apiDraftSession is the draft-upload owner key of a token's files (the
// web form keys drafts by session; the API by token).
func apiDraftSession(t *store.APIToken) string {
	if t == nil {
		return "api:none"
	}
	return "api:" + strconv.FormatInt(t.ID, 10)
}

// readAPIUploads reads multipart files within the limits (already is the
// size of documents counted before); refused files come back as messages.
func (s *API) readAPIUploads(lang string, headers []*multipart.FileHeader, already int64) ([]store.Attachment, []string, error) {
	maxFile, maxTotal := s.host.MaxFileBytes(), s.maxUpload
	total := already
	var out []store.Attachment
	var msgs []string
	for _, h := range headers {
		name := tickets.CleanFilename(h.Filename)
		if h.Size > maxFile {
			msgs = append(msgs, s.i18n.T(lang, "incident.error.file.size", name, kit.FormatBytes(maxFile)))
			continue
		}
		if total+h.Size > maxTotal {
			msgs = append(msgs, s.i18n.T(lang, "incident.error.file.total", name, kit.FormatBytes(maxTotal)))
			continue
		}
		data, err := tickets.ReadUpload(h, maxFile)
		if err != nil {
			return nil, nil, fmt.Errorf("web: read upload %q: %w", name, err)
		}
		if len(data) == 0 {
			msgs = append(msgs, s.i18n.T(lang, "incident.error.file.empty", name))
			continue
		}
		total += int64(len(data))
		out = append(out, store.Attachment{Filename: name, ContentType: tickets.SniffType(data), Size: int64(len(data)), Data: data})
	}
	return out, msgs, nil
}

// uniqueInt64 drops repeated values, keeping order.
func uniqueInt64(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
