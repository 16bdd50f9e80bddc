package web

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/web/kit"
	"guichet/web/pages"
)

// observe is the outermost middleware: it turns an error from the chain
// into its response (so the status is known here), then records the
// request's metrics and writes one structured access-log line.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	s.metrics.InFlight().Inc()
	defer s.metrics.InFlight().Dec()
	if err := c.Next(); err != nil {
		if herr := s.pages.HandleError(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	elapsed := time.Since(start)
	status := c.Response().StatusCode()
	route := routeLabel(c, status)
	s.metrics.Observe(route, c.Method(), status, elapsed)

	level := slog.LevelInfo
	if route == "/healthz" || route == "/readyz" || route == "/metrics" || strings.HasPrefix(route, "/static/") || route == "/favicon.ico" {
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("request_id", kit.RequestID(c)),
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", elapsed),
		slog.Int("bytes", len(c.Response().Body())),
		slog.String("remote", c.IP()),
	}
	if u := kit.CurrentUser(c); u != nil {
		attrs = append(attrs, slog.Int64("person_id", u.ID))
	}
	s.log.LogAttrs(c.UserContext(), level, "http request", attrs...)
	return nil
}

// routeLabel names the request's route for metrics and logs: the pattern
// of the route that answered, "unmatched" for a 404 no route knew, and
// "middleware" for a request stopped before its route (CSRF, body limit).
func routeLabel(c *fiber.Ctx, status int) string {
	if r, ok := c.Locals(pages.RouteLocal).(string); ok {
		return r
	}
	if status == fiber.StatusNotFound {
		return "unmatched"
	}
	return "middleware"
}

// recoverPanics turns a panic in a handler into an internal error (logged
// with its stack by the error handler) instead of a dropped connection.
func (s *Server) recoverPanics(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("web: panic: %v\n%s", r, debug.Stack())
		}
	}()
	return c.Next()
}

// secureHeaders sets the security headers on every response.
func (s *Server) secureHeaders(c *fiber.Ctx) error {
	s.pages.SecurityHeaders(c)
	return c.Next()
}
