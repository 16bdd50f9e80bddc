package pages

import (
	"log/slog"
	"path/filepath"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"guichet/identity"
)

// adminDirectoryImport answers POST /admin/annuaire/import: the uploaded
// CSV file is imported (bad rows skipped and listed), then the page shows
// the run's outcome.
func (s *Pages) adminDirectoryImport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v, err := s.directoryViewFor(c)
	if err != nil {
		return err
	}
	fh, err := c.FormFile("fichier")
	if err != nil {
		v.Error = s.i18n.T(v.Lang, "directory.import.nofile")
		return s.render(c, fiber.StatusUnprocessableEntity, "admin_directory", v)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.identity.ImportCSV(ctx, f, identity.ImportOptions{
		Name: filepath.Base(fh.Filename), Academy: v.Scope, OnlyAcademy: !v.All,
	})
	if msg := identity.FileProblem(err); msg != "" {
		v.Error = s.i18n.T(v.Lang, "directory.import.bad", msg)
		return s.render(c, fiber.StatusUnprocessableEntity, "admin_directory", v)
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "directory imported", slog.String("file", fh.Filename), slog.Int("rows", res.Rows),
		slog.Int("imported", res.Imported), slog.Int("skipped", len(res.Skipped)), slog.Int64("person_id", currentUser(c).ID))
	return c.Redirect("/admin/annuaire?import="+strconv.FormatInt(res.Run.ID, 10)+"#resultat", fiber.StatusSeeOther)
}
