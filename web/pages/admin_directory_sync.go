package pages

import (
	"log/slog"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
)

// adminDirectorySync answers POST /admin/annuaire/synchroniser: a
// synchronisation from LDAP starts now (a Temporal workflow; its progress
// shows in the table of runs).
func (s *Pages) adminDirectorySync(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := s.directoryViewFor(c)
	if err != nil {
		return err
	}
	if !v.LDAP || s.temporal == nil {
		v.Error = s.i18n.T(v.Lang, "directory.sync.unavailable")
		return s.render(c, fiber.StatusUnprocessableEntity, "admin_directory", v)
	}
	var academies []string
	if !v.All {
		academies = []string{v.Scope}
	}
	id, err := identity.StartSync(ctx, s.temporal, s.cfg, academies)
	if err != nil {
		s.log.ErrorContext(ctx, "start directory sync", slog.Any("error", err))
		v.Error = s.i18n.T(v.Lang, "directory.sync.failed")
		return s.render(c, fiber.StatusServiceUnavailable, "admin_directory", v)
	}
	s.log.InfoContext(ctx, "directory sync started", slog.String("workflow_id", id), slog.Int64("person_id", currentUser(c).ID))
	return c.Redirect("/admin/annuaire?synchro=1", fiber.StatusSeeOther)
}
