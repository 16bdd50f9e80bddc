package web

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"go.temporal.io/sdk/client"

	"guichet/web/kit"
)

// readyTimeout bounds each readiness check, so a hung dependency makes
// /readyz answer "err" rather than hang the probe.
const readyTimeout = 2 * time.Second

// healthz answers GET /healthz: the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("ok")
}

// readiness is the body of /readyz.
type readiness struct {
	Database string `json:"database"`
	Temporal string `json:"temporal"`
}

// readyz answers GET /readyz: 200 when the database and Temporal answer,
// else 503, with each dependency's state as JSON. Failures are logged, not
// shown.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx := c.UserContext()
	r := readiness{Database: "ok", Temporal: "ok"}
	dbCtx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	if err := s.db.Ping(dbCtx); err != nil {
		r.Database = "err"
		s.log.WarnContext(ctx, "readiness: database", slog.Any("error", err))
	}
	if s.temporal == nil {
		r.Temporal = "err"
		s.log.WarnContext(ctx, "readiness: no Temporal client")
	} else {
		tCtx, cancel := context.WithTimeout(ctx, readyTimeout)
		defer cancel()
		if _, err := s.temporal.CheckHealth(tCtx, &client.CheckHealthRequest{}); err != nil {
			r.Temporal = "err"
			s.log.WarnContext(ctx, "readiness: temporal", slog.Any("error", err))
		}
	}
	status := fiber.StatusOK
	if r.Database != "ok" || r.Temporal != "ok" {
		status = fiber.StatusServiceUnavailable
	}
	return c.Status(status).JSON(r)
}

// notFound answers every path no route matched.
func (s *Server) notFound(c *fiber.Ctx) error {
	return kit.Errorf(kit.ENOTFOUND, "")
}
