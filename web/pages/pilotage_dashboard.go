package pages

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"guichet/store"
	"guichet/web/catalogue"
	"guichet/workflows"
)

// Dashboard periods (days) offered by the selector; the first is the
// default.
func dashboardPeriods() []int { return []int{30, 7, 90, 365} }

// backlogMaxDays bounds the backlog chart's points.
const backlogMaxDays = 60

// Chart colours: DSFR blue, light blue, red, green; text in grey 50.
const (
	colorBlue  = "#000091"
	colorLight = "#6a6af4"
	colorRed   = "#ce0500"
	colorGreen = "#18753c"
)

// Chart geometry (SVG user units).
const (
	chartWidth  = 600
	chartLabelW = 190
	chartBarW   = 330
	chartRowH   = 30
	chartBarH   = 18
)

// Chart is a server-side SVG chart with its accessible title, description
// and data table.
type Chart struct {
	ID, Title, Desc string
	Width, Height   int
	// Bars of a horizontal bar chart (each bar stacked from Segs).
	Bars []ChartBar
	// Line is set for a line chart (Bars is then empty).
	Line   *LineChart
	Legend []ChartSeg
	// Empty, when set, says there is nothing to draw.
	Empty string
	// Cols and Rows are the data table alternative.
	Cols []string
	Rows [][]string
}

// ChartBar is one bar: a label and its stacked segments.
type ChartBar struct {
	Label  string
	Y      int // top of the row
	TextY  int
	Segs   []ChartSeg
	ValueX float64
	Value  string
}

// ChartSeg is a segment of a bar (or a legend entry).
type ChartSeg struct {
	Name string
	X, W float64
	Fill string
}

// LineChart is a polyline over points.
type LineChart struct {
	Points, Area      string
	Left, Right       float64
	Top, Bottom       float64
	MaxLabel          string
	FirstX, LastX     string
	LeftText, Bottom2 float64
}

// OptionView is an <option> of a select.
type OptionView struct {
	Value, Label string
	Selected     bool
}

// dashboardView is the dashboard's view model.
type dashboardView struct {
	AdminPage
	Periods     []OptionView
	Period      int
	Range       string
	ExportHref  string
	TemporalURL string
	D           *store.Dashboard
	KPIOnTime   string
	KPIOnTimeOf string
	KPIRefusal  string
	Charts      []Chart
	// KB is what the académie's knowledge base solved, with and without a
	// ticket (store/stats_kb.go).
	KB *store.KnowledgeStats
	// Stopped are the open tickets whose workflow the reconciliation found
	// ended outside Guichet (package reconcile), most recent first.
	Stopped []store.Ticket
}

// pilotageDashboard answers GET /pilotage?periode=N&academie=X.
func (s *Pages) pilotageDashboard(c *fiber.Ctx) error {
	lang := s.lang(c)
	period := periodDays(c.Query("periode"))
	now := time.Now()
	from := now.AddDate(0, 0, -period)
	academy := s.academyOf(c)
	q := store.DashboardQuery{Academy: academy, From: from, To: now, Now: now, BacklogEnds: s.backlogEnds(now, min(period, backlogMaxDays))}
	d, err := s.db.Dashboard(c.UserContext(), q)
	if err != nil {
		return err
	}
	v := &dashboardView{D: d, Period: period}
	v.AdminPage = s.adminPage(c, PermDashboard, "")
	v.Title = s.i18n.T(lang, "pilotage.title", v.AcademyName)
	for _, p := range dashboardPeriods() {
		v.Periods = append(v.Periods, OptionView{Value: strconv.Itoa(p), Label: s.i18n.T(lang, "pilotage.period."+strconv.Itoa(p)), Selected: p == period})
	}
	v.Range = s.i18n.T(lang, "pilotage.period.range", from.In(s.paris).Format("02/01/2006"), now.In(s.paris).Format("02/01/2006"))
	if ok, _ := s.can(c, PermExport, academy); ok {
		v.ExportHref = "/pilotage/export.csv" + v.Q + "&periode=" + strconv.Itoa(period)
	}
	if ok, _ := s.can(c, PermWorkflowHistory, academy); ok && s.cfg.Temporal.UIURL != "" {
		v.TemporalURL = s.cfg.Temporal.UIURL
	}
	v.KPIOnTime, v.KPIRefusal = s.i18n.T(lang, "pilotage.kpi.none"), s.i18n.T(lang, "pilotage.kpi.none")
	if d.PickupDue > 0 {
		v.KPIOnTime = percent(d.OnTimeRate())
		v.KPIOnTimeOf = s.i18n.T(lang, "pilotage.kpi.ontime.detail", d.PickupOnTime, d.PickupDue)
	}
	if d.Resolved > 0 {
		v.KPIRefusal = percent(d.RefusalRate())
	}
	v.Charts = s.dashboardCharts(lang, d)
	if v.KB, err = s.db.KnowledgeStats(c.UserContext(), academy, kbDashboardTop); err != nil {
		return err
	}
	if v.Stopped, err = s.db.TicketsWithEndedWorkflow(c.UserContext(), academy, stoppedDashboardTop); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "pilotage", v)
}

// stoppedDashboardTop caps the dashboard's list of tickets whose workflow
// ended outside Guichet.
const stoppedDashboardTop = 20

// periodDays reads the period selector (days), defaulting to the first.
func periodDays(v string) int {
	n, _ := strconv.Atoi(v)
	for _, p := range dashboardPeriods() {
		if p == n {
			return p
		}
	}
	return dashboardPeriods()[0]
}

// backlogEnds are the ends of the last n days (Paris time), the last being
// now.
func (s *Pages) backlogEnds(now time.Time, n int) []time.Time {
	local := now.In(s.paris)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, s.paris)
	ends := make([]time.Time, 0, n)
	for k := n - 1; k >= 1; k-- {
		ends = append(ends, midnight.AddDate(0, 0, 1-k))
	}
	return append(ends, now)
}

// percent formats a ratio as a French percentage ("33 %").
func percent(r float64) string {
	return strconv.Itoa(int(math.Round(r*100))) + " %"
}

// decimal formats a number with one French decimal ("3,5").
func decimal(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 1, 64), ".", ",", 1)
}

// durationLabel renders a bucket bound ("10 min", "4 h", "3 j").
func (s *Pages) durationLabel(lang string, d time.Duration) string {
	switch {
	case d < time.Hour:
		return s.i18n.T(lang, "pilotage.dur.min", int(d/time.Minute))
	case d < 24*time.Hour:
		return s.i18n.T(lang, "pilotage.dur.hour", int(d/time.Hour))
	}
	return s.i18n.T(lang, "pilotage.dur.day", int(d/(24*time.Hour)))
}

// dashboardCharts builds every chart of the dashboard.
func (s *Pages) dashboardCharts(lang string, d *store.Dashboard) []Chart {
	T := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	intFmt := func(f float64) string { return catalogue.FormatNumber(lang, int64(math.Round(f))) }
	valueCols := []string{T("pilotage.col.label"), T("pilotage.col.value")}
	counts := func(cs []store.Count, label func(string) string) []barInput {
		out := make([]barInput, len(cs))
		for i, c := range cs {
			out[i] = barInput{label: label(c.Key), values: []float64{float64(c.N)}}
		}
		return out
	}
	buckets := func(bs []store.Bucket) []barInput {
		out := make([]barInput, len(bs))
		for i, b := range bs {
			label := ""
			if b.Upper > 0 {
				label = T("pilotage.bucket.le", s.durationLabel(lang, b.Upper))
			} else if i > 0 {
				label = T("pilotage.bucket.gt", s.durationLabel(lang, bs[i-1].Upper))
			}
			out[i] = barInput{label: label, values: []float64{float64(b.N)}}
		}
		return out
	}
	var charts []Chart
	charts = append(charts,
		barChart("graphe-statuts", T("pilotage.chart.status"), T("pilotage.chart.status.desc"), valueCols,
			counts(d.OpenByStatus, func(k string) string { return T(workflows.StatusKey(k)) }), nil, []string{colorBlue}, intFmt),
		barChart("graphe-priorites", T("pilotage.chart.prio"), T("pilotage.chart.prio.desc"), valueCols,
			counts(d.OpenByPriority, func(k string) string { return k }), nil, []string{colorBlue}, intFmt),
		barChart("graphe-delai", T("pilotage.chart.ontime"), T("pilotage.chart.ontime.desc"), valueCols,
			[]barInput{
				{label: T("pilotage.ontime.yes"), values: []float64{float64(d.PickupOnTime)}, fill: colorGreen},
				{label: T("pilotage.ontime.no"), values: []float64{float64(d.PickupDue - d.PickupOnTime)}, fill: colorRed},
			}, nil, []string{colorBlue}, intFmt),
		barChart("graphe-prise-en-charge", T("pilotage.chart.pickup"), T("pilotage.chart.pickup.desc"), valueCols,
			buckets(d.PickupTimes), nil, []string{colorBlue}, intFmt),
		barChart("graphe-resolution", T("pilotage.chart.resol"), T("pilotage.chart.resol.desc"), valueCols,
			buckets(d.ResolutionTimes), nil, []string{colorBlue}, intFmt),
	)
	satis := barChartScaled("graphe-satisfaction", T("pilotage.chart.satis"), T("pilotage.chart.satis.desc", d.Rated), valueCols,
		[]barInput{
			{label: T("pilotage.satis.delay"), values: []float64{d.AvgDelay}},
			{label: T("pilotage.satis.quality"), values: []float64{d.AvgQuality}},
		}, nil, []string{colorBlue}, func(f float64) string { return decimal(f) + " / 5" }, 5)
	charts = append(charts, satis)
	charts = append(charts, s.backlogChart(lang, d.Backlog))
	load := make([]barInput, len(d.Load))
	for i, l := range d.Load {
		load[i] = barInput{label: l.Name, values: []float64{float64(l.Open), float64(l.Resolved)}}
	}
	loadChart := barChart("graphe-charge", T("pilotage.chart.load"), T("pilotage.chart.load.desc"),
		[]string{T("admin.col.name"), T("pilotage.load.open"), T("pilotage.load.resolved")},
		load, []string{T("pilotage.load.open"), T("pilotage.load.resolved")}, []string{colorBlue, colorLight}, intFmt)
	if len(d.Load) == 0 {
		loadChart.Empty = T("pilotage.load.none")
	}
	charts = append(charts, loadChart)
	return charts
}

// barInput is one bar before layout: its label and its stacked values.
type barInput struct {
	label  string
	values []float64
	fill   string // overrides the series colour (single-value bars)
}

// barChart lays out a horizontal (stacked) bar chart scaled to its
// largest bar, with its data table (label, then one column per series).
func barChart(id, title, desc string, cols []string, in []barInput, series, fills []string, format func(float64) string) Chart {
	return barChartScaled(id, title, desc, cols, in, series, fills, format, 0)
}

// barChartScaled is barChart against a fixed maximum (ratings out of 5);
// scale 0 means the largest bar.
func barChartScaled(id, title, desc string, cols []string, in []barInput, series, fills []string, format func(float64) string, scale float64) Chart {
	c := Chart{ID: id, Title: title, Desc: desc, Width: chartWidth, Cols: cols}
	maxTotal := scale
	for _, b := range in {
		t := 0.0
		for _, v := range b.values {
			t += v
		}
		if scale == 0 {
			maxTotal = math.Max(maxTotal, t)
		}
	}
	for i, b := range in {
		bar := ChartBar{Label: b.label, Y: i*chartRowH + 6, TextY: i*chartRowH + 6 + 14}
		x := float64(chartLabelW)
		row := []string{b.label}
		total := 0.0
		for j, v := range b.values {
			w := 0.0
			if maxTotal > 0 {
				w = v / maxTotal * chartBarW
			}
			fill := fills[j%len(fills)]
			if b.fill != "" {
				fill = b.fill
			}
			name := ""
			if j < len(series) {
				name = series[j]
			}
			bar.Segs = append(bar.Segs, ChartSeg{Name: name, X: x, W: w, Fill: fill})
			x += w
			total += v
			row = append(row, format(v))
		}
		bar.ValueX = x + 6
		if len(b.values) == 1 {
			bar.Value = format(total)
		} else {
			parts := make([]string, len(b.values))
			for j, v := range b.values {
				parts[j] = format(v)
			}
			bar.Value = strings.Join(parts, " + ")
		}
		c.Bars = append(c.Bars, bar)
		c.Rows = append(c.Rows, row)
	}
	for j, name := range series {
		c.Legend = append(c.Legend, ChartSeg{Name: name, Fill: fills[j%len(fills)]})
	}
	c.Height = max(len(in), 1)*chartRowH + 12
	return c
}

// backlogChart draws the open tickets day by day as a line.
func (s *Pages) backlogChart(lang string, pts []store.BacklogPoint) Chart {
	T := func(key string, args ...any) string { return s.i18n.T(lang, key, args...) }
	c := Chart{ID: "graphe-stock", Title: T("pilotage.chart.backlog"), Width: chartWidth, Height: 220,
		Cols: []string{T("hours.extra.day"), T("pilotage.kpi.open")}}
	if len(pts) == 0 {
		c.Desc = T("pilotage.chart.backlog")
		c.Line = &LineChart{}
		return c
	}
	const left, right, top, bottom = 48.0, 590.0, 12.0, 186.0
	maxOpen := 1
	for _, p := range pts {
		maxOpen = max(maxOpen, p.Open)
	}
	var line, area strings.Builder
	fmt.Fprintf(&area, "%.1f,%.1f ", left, bottom)
	for i, p := range pts {
		x := left
		if len(pts) > 1 {
			x = left + float64(i)*(right-left)/float64(len(pts)-1)
		}
		y := bottom - float64(p.Open)/float64(maxOpen)*(bottom-top)
		fmt.Fprintf(&line, "%.1f,%.1f ", x, y)
		fmt.Fprintf(&area, "%.1f,%.1f ", x, y)
		day := p.At.In(s.paris)
		if i < len(pts)-1 {
			day = day.Add(-time.Minute) // an end at midnight belongs to the day before
		}
		c.Rows = append(c.Rows, []string{day.Format("02/01/2006"), catalogue.FormatNumber(lang, int64(p.Open))})
	}
	last := right
	if len(pts) == 1 {
		last = left
	}
	fmt.Fprintf(&area, "%.1f,%.1f", last, bottom)
	first, lastRow := c.Rows[0], c.Rows[len(c.Rows)-1]
	c.Desc = T("pilotage.chart.backlog.desc", first[0], lastRow[0], pts[0].Open, pts[len(pts)-1].Open)
	c.Line = &LineChart{Points: strings.TrimSpace(line.String()), Area: area.String(),
		Left: left, Right: right, Top: top, Bottom: bottom, MaxLabel: catalogue.FormatNumber(lang, int64(maxOpen)),
		FirstX: first[0], LastX: lastRow[0], LeftText: left - 6, Bottom2: bottom + 20}
	return c
}
