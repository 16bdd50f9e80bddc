package pages

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// pilotageExport answers GET /pilotage/export.csv?periode=N: the tickets
// created in the period, for French Excel (UTF-8 with BOM, ";" separator,
// CRLF line ends).
func (s *Pages) pilotageExport(c *fiber.Ctx) error {
	lang := s.lang(c)
	T := func(key string) string { return s.i18n.T(lang, key) }
	period := periodDays(c.Query("periode"))
	now := time.Now()
	from := now.AddDate(0, 0, -period)
	academy := s.academyOf(c)
	rows, err := s.db.ExportTickets(c.UserContext(), academy, from, now)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Comma, w.UseCRLF = ';', true
	header := []string{}
	for _, k := range []string{"number", "created", "status", "priority", "urgency", "impact", "category",
		"requester", "beneficiary", "entity", "group", "technician", "pickupdue", "pickedup", "resolved",
		"closed", "late", "validation", "rdelay", "rquality", "refusals"} {
		header = append(header, T("export."+k))
	}
	_ = w.Write(header)
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(s.paris).Format("02/01/2006 15:04:05")
	}
	yes := func(b bool) string {
		if b {
			return T("export.yes")
		}
		return T("export.no")
	}
	rating := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	for _, r := range rows {
		status := s.statusLabel(lang, r.Status)
		created := r.CreatedAt
		_ = w.Write([]string{r.Number, when(&created), status, "P" + strconv.Itoa(r.Priority),
			strconv.Itoa(r.Urgency), strconv.Itoa(r.Impact), r.CategoryPath, r.Requester, r.Beneficiary,
			r.Entity, r.Group, r.Technician, when(r.PickupDueAt), when(r.PickedUpAt), when(r.ResolvedAt),
			when(r.ClosedAt), yes(r.Late), r.Validation, rating(r.RatingDelay), rating(r.RatingQuality),
			strconv.Itoa(r.Refusals)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("web: export csv: %w", err)
	}
	name := fmt.Sprintf("guichet-%s-%s-%s.csv", academy, from.In(s.paris).Format("20060102"), now.In(s.paris).Format("20060102"))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(buf.Bytes())
}
