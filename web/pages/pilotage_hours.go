package pages

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
)

// dayView is a checkbox of the working days.
type dayView struct {
	N       int
	Label   string
	Checked bool
}

// hoursView is the view model of the opening hours screen.
type hoursView struct {
	AdminPage
	Own                   bool // the académie has its own hours
	Open, Close, TimeZone string
	Holidays              string
	Days                  []dayView
	Extra                 []store.Holiday
}

func (s *Pages) renderHours(c *fiber.Ctx, form *store.AcademyHours, errKey string, status int) error {
	ctx := c.UserContext()
	academy := s.academyOf(c)
	lang := s.lang(c)
	v := &hoursView{AdminPage: s.adminPage(c, PermHoursManage, s.i18n.T(lang, "hours.title"))}
	v.Error = errKey
	h, err := s.db.HoursOf(ctx, academy)
	switch {
	case err == nil:
		v.Own = true
	case errors.Is(err, store.ErrNotFound):
		cfg := s.cfg.OpeningHoursFor(academy)
		days := make([]string, len(cfg.Days))
		for i, d := range cfg.Days {
			days[i] = strconv.Itoa(d)
		}
		h = &store.AcademyHours{Open: cfg.Open, Close: cfg.Close, TimeZone: cfg.TimeZone, Holidays: cfg.Holidays, Days: strings.Join(days, ",")}
	default:
		return err
	}
	if form != nil {
		h = form
	}
	v.Open, v.Close, v.TimeZone, v.Holidays = h.Open, h.Close, h.TimeZone, h.Holidays
	if v.TimeZone == "" {
		v.TimeZone = "Europe/Paris"
	}
	on := h.DayList()
	for d := 1; d <= 7; d++ {
		v.Days = append(v.Days, dayView{N: d, Label: s.i18n.T(lang, "hours.day."+strconv.Itoa(d)), Checked: slices.Contains(on, d)})
	}
	if v.Extra, err = s.db.HolidaysOf(ctx, academy); err != nil {
		return err
	}
	return s.render(c, status, "pilotage_hours", v)
}

// hoursShow answers GET /pilotage/horaires.
func (s *Pages) hoursShow(c *fiber.Ctx) error { return s.renderHours(c, nil, "", fiber.StatusOK) }

// hoursSave answers POST /pilotage/horaires (ouverture, fermeture, jours,
// fuseau, feries).
func (s *Pages) hoursSave(c *fiber.Ctx) error {
	var days []string
	for _, d := range c.Request().PostArgs().PeekMulti("jours") {
		days = append(days, string(d))
	}
	h := &store.AcademyHours{Open: strings.TrimSpace(c.FormValue("ouverture")), Close: strings.TrimSpace(c.FormValue("fermeture")),
		TimeZone: strings.TrimSpace(c.FormValue("fuseau")), Holidays: c.FormValue("feries"), Days: strings.Join(days, ",")}
	if err := s.db.SaveHours(c.UserContext(), s.editor(c), h); err != nil {
		if key, ok := changeError(err, "hours.error"); ok {
			return s.renderHours(c, h, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/horaires")
}

// hoursReset answers POST /pilotage/horaires/reinitialiser.
func (s *Pages) hoursReset(c *fiber.Ctx) error {
	if err := s.db.ResetHours(c.UserContext(), s.editor(c)); err != nil {
		return err
	}
	return s.backTo(c, "/pilotage/horaires")
}

// holidayAdd answers POST /pilotage/horaires/fermetures (jour, motif).
func (s *Pages) holidayAdd(c *fiber.Ctx) error {
	err := s.db.AddHoliday(c.UserContext(), s.editor(c), store.Holiday{Day: c.FormValue("jour"), Label: c.FormValue("motif")})
	if err != nil {
		if key, ok := changeError(err, "hours.error.holiday"); ok {
			return s.renderHours(c, nil, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/horaires")
}

// holidayRemove answers POST /pilotage/horaires/fermetures/:day/supprimer.
func (s *Pages) holidayRemove(c *fiber.Ctx) error {
	err := s.db.RemoveHoliday(c.UserContext(), s.editor(c), c.Params("day"))
	if err != nil {
		if key, ok := changeError(err, ""); ok {
			return s.renderHours(c, nil, key, fiber.StatusUnprocessableEntity)
		}
		return err
	}
	return s.backTo(c, "/pilotage/horaires")
}
