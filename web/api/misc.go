package api

import (
	_ "embed" // openapi.json
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"guichet/store"
	"guichet/web/kit"
	"guichet/web/tickets"
)

// openAPIDocument is the OpenAPI 3.1 description of /api/v1, checked in.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPIDocument returns the OpenAPI document served on
// /api/v1/openapi.json (for tests and tools).
func OpenAPIDocument() []byte { return append([]byte(nil), openAPIDocument...) }

// apiOpenAPI answers GET /api/v1/openapi.json.
func (s *API) apiOpenAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(openAPIDocument)
}

// apiMe answers GET /api/v1/me: the caller, their roles, the header
// counters and the token used.
func (s *API) apiMe(c *fiber.Ctx) error {
	u := kit.CurrentUser(c)
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	grants, err := kit.Grants(c, s.db)
	if err != nil {
		return err
	}
	counters, err := s.db.CountersOf(c.UserContext(), v)
	if err != nil {
		return err
	}
	type role struct {
		Academy string `json:"academy"`
		Role    string `json:"role"`
	}
	roles := []role{}
	for _, g := range grants {
		roles = append(roles, role{Academy: g.AcademyCode, Role: g.Role})
	}
	out := fiber.Map{
		"id": u.ID, "login": u.Login, "first_name": u.FirstName, "last_name": u.LastName,
		"email": u.Email, "academy": u.AcademyCode, "entity": u.Entity, "global_admin": u.GlobalAdmin,
		"roles":    roles,
		"counters": fiber.Map{"awaiting_validation": counters.Validations, "in_progress": counters.InProgress},
	}
	if t := Token(c); t != nil {
		out["token"] = fiber.Map{"id": t.ID, "name": t.Name, "kind": t.Kind, "scope": t.Scope,
			"hint": t.Hint, "expires_at": t.ExpiresAt}
	}
	return c.JSON(out)
}

// apiCategories answers GET /api/v1/categories: the académie's category
// tree, depth first; tickets take leaves.
func (s *API) apiCategories(c *fiber.Ctx) error {
	tree, err := s.db.CategoryTree(c.UserContext(), kit.AcademyOf(c))
	if err != nil {
		return err
	}
	type category struct {
		ID       int64  `json:"id"`
		ParentID *int64 `json:"parent_id"`
		Name     string `json:"name"`
		Path     string `json:"path"`
		Depth    int    `json:"depth"`
		Leaf     bool   `json:"leaf"`
	}
	out := []category{}
	for _, n := range tree {
		out = append(out, category{ID: n.ID, ParentID: n.ParentID, Name: n.Name, Path: n.Path, Depth: n.Depth, Leaf: n.Leaf})
	}
	return c.JSON(fiber.Map{"academy": kit.AcademyOf(c), "categories": out})
}

// apiDirectory answers GET /api/v1/directory?q=: people of the académie
// whose names start with the words of q (the form's third-party search).
func (s *API) apiDirectory(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return apiInvalid("api.error.query", "q")
	}
	people, err := s.db.SearchPeople(c.UserContext(), kit.AcademyOf(c), q, tickets.DirectoryResultsLimit)
	if err != nil {
		return err
	}
	type entry struct {
		ID        int64  `json:"id"`
		Login     string `json:"login"`
		LastName  string `json:"last_name"`
		FirstName string `json:"first_name"`
		Entity    string `json:"entity"`
		Location  string `json:"location"`
		Service   string `json:"service"`
		Office    string `json:"office"`
	}
	out := []entry{}
	for _, p := range people {
		out = append(out, entry{ID: p.ID, Login: p.Login, LastName: p.LastName, FirstName: p.FirstName,
			Entity: p.Entity, Location: p.Location, Service: p.Service, Office: p.Office})
	}
	return c.JSON(fiber.Map{"people": out})
}

// snippetText renders a search excerpt as plain text, matches in «…».
func snippetText(parts []store.SnippetPart) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Match {
			b.WriteString("«" + p.Text + "»")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// apiSearch answers GET /api/v1/search?q=: the tickets and knowledge-base
// articles the caller may see that match q (French-aware full text).
func (s *API) apiSearch(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		return apiInvalid("api.error.query", "q")
	}
	limit, err := queryInt(c, "limit", 20)
	if err != nil || limit < 1 || limit > 100 {
		return apiInvalid("api.error.query", "limit")
	}
	v, err := s.viewer(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	hits, moreTickets, err := s.db.SearchTickets(ctx, v, store.TicketSearch{Query: q, Limit: limit})
	if err != nil {
		return err
	}
	arts, moreArticles, err := s.db.SearchArticles(ctx, v, store.ArticleSearch{Query: q, Limit: limit})
	if err != nil {
		return err
	}
	type ticketHit struct {
		Number    string    `json:"number"`
		Academy   string    `json:"academy"`
		Status    string    `json:"status"`
		Category  string    `json:"category"`
		Private   bool      `json:"private"`
		CreatedAt time.Time `json:"created_at"`
		Snippet   string    `json:"snippet"`
	}
	type articleHit struct {
		ID       int64  `json:"id"`
		Title    string `json:"title"`
		Category string `json:"category"`
		Snippet  string `json:"snippet"`
	}
	tickets, articles := []ticketHit{}, []articleHit{}
	for _, h := range hits {
		tickets = append(tickets, ticketHit{Number: h.Number, Academy: h.AcademyCode, Status: h.Status,
			Category: h.CategoryPath, Private: h.Private, CreatedAt: h.CreatedAt, Snippet: snippetText(h.Snippet)})
	}
	for _, a := range arts {
		articles = append(articles, articleHit{ID: a.ID, Title: a.Title, Category: a.CategoryPath, Snippet: snippetText(a.Snippet)})
	}
	return c.JSON(fiber.Map{"query": q, "tickets": tickets, "more_tickets": moreTickets,
		"articles": articles, "more_articles": moreArticles})
}

// apiFileUpload answers POST /api/v1/files (multipart, field "file", one or
// more): the files are kept for the token, to join to a ticket or an
// action afterwards by their IDs (file_ids). 201 with their IDs.
func (s *API) apiFileUpload(c *fiber.Ctx) error {
	lang := kit.Lang(c)
	mf, err := c.MultipartForm()
	if errors.Is(err, fasthttp.ErrNoMultipartForm) {
		return &kit.Error{Code: kit.EINVALID, Status: fiber.StatusUnsupportedMediaType, Key: "api.error.mediatype"}
	}
	if err != nil {
		return apiInvalid("api.error.multipart")
	}
	headers := mf.File["file"]
	if len(headers) == 0 {
		return Unprocessable("api.error.required", "file")
	}
	files, msgs, err := s.readAPIUploads(lang, headers, 0)
	if err != nil {
		return err
	}
	if len(msgs) > 0 {
		return Unprocessable("api.message", strings.Join(msgs, " "))
	}
	u := kit.CurrentUser(c)
	drafts := make([]store.DraftUpload, len(files))
	for i, f := range files {
		drafts[i] = store.DraftUpload{Filename: f.Filename, ContentType: f.ContentType, Data: f.Data}
	}
	if err := s.db.SaveDraftUploads(c.UserContext(), apiDraftSession(Token(c)), u.ID, drafts); err != nil {
		return fmt.Errorf("web: api upload: %w", err)
	}
	type file struct {
		ID          int64  `json:"id"`
		Filename    string `json:"filename"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size"`
	}
	out := []file{}
	for _, d := range drafts {
		out = append(out, file{ID: d.ID, Filename: d.Filename, ContentType: d.ContentType, Size: d.Size})
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"files": out})
}
