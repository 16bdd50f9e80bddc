package pages

import (
	"fmt"
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
)

// errorView is the error page's view model.
type errorView struct {
	Page
	Status  int
	Code    string
	Message string
}

// handleError is the Fiber ErrorHandler: the one place errors become
// responses. Internal errors are logged with the request ID; the user only
// ever sees the message of the code.
func (s *Pages) handleError(c *fiber.Ctx, err error) error {
	ae := kit.Classify(err)
	status := ae.Status
	if status == 0 {
		status = kit.CodeStatus(ae.Code)
	}
	s.securityHeaders(c)
	if ae.Code == EINTERNAL && status != 499 {
		s.log.ErrorContext(c.UserContext(), "request failed",
			slog.String("request_id", kit.RequestID(c)),
			slog.String("method", c.Method()),
			slog.String("path", c.Path()),
			slog.Any("error", err))
	}
	lang := s.lang(c)
	key := ae.Key
	if key == "" || ae.Code == EINTERNAL {
		key = "error." + ae.Code
	}
	args := ae.Args
	if ae.Code == ETOOLARGE && len(args) == 0 {
		args = []any{kit.FormatBytes(s.maxUpload)}
	}
	msg := s.i18n.T(lang, key, args...)
	if kit.WantsJSON(c) {
		body := fiber.Map{"code": ae.Code, "message": msg}
		if len(ae.Fields) > 0 {
			body["fields"] = ae.Fields
		}
		return c.Status(status).JSON(fiber.Map{"error": body})
	}
	v := errorView{Status: status, Code: ae.Code, Message: msg}
	v.Page = s.page(c, s.i18n.T(lang, "error.title."+ae.Code))
	if rerr := s.render(c, status, "error", &v); rerr != nil {
		s.log.ErrorContext(c.UserContext(), "render error page", slog.Any("error", rerr))
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.Status(status).SendString(fmt.Sprintf("%d %s", status, msg))
	}
	return nil
}
