package graphql

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/core/csvcell"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
)

// Exports are tables for spreadsheets: GET /export/NAME.csv or .xlsx with
// the filters of the matching query as URL parameters. Each runs the
// public GraphQL API for the caller — the same scoping, disclosure, cost,
// deadline and slots — and lays its answer out in rows, so an export can
// never show what the API would not.
type export struct {
	// query is the GraphQL operation; it pages with $after where the list
	// is a connection.
	query string
	// params are the URL parameters it takes, with their GraphQL types.
	params map[string]string
	// columns, and how one answer becomes rows (and the cursor of the next
	// page, "" for none).
	columns []column
	rows    func(data map[string]any) (rows [][]cell, next string)
	// about are lines for the workbook's first sheet from the last
	// answer, in a language: what the figures cover; nil for none.
	about func(data map[string]any, lang string) [][]any
	// made is the moment a workbook says it was made on, from the
	// answer; nil for the clock's.
	made func(data map[string]any) time.Time
	// raw are other formats, by extension, written whole from one answer.
	raw map[string]rawExport
}

// rawExport is a file an export's answer is already (the IATI XML): its
// query, which takes $lang too, and its body.
type rawExport struct {
	query, contentType string
	body               func(data map[string]any) []byte
}

// column is a heading in French and English, and the kind of its cells.
type column struct {
	fr, en string
	kind   cellKind
}

type cellKind int

const (
	text cellKind = iota
	number
	percent
	date
	marker // "withheld": a suppressed figure's column beside it
)

// cell is one value; nil is an empty cell (a withheld figure is empty,
// never 0, with its marker column set).
type cell any

// DefaultExportRows bounds an export, which is held in memory until it
// is written: past it the export is refused, naming the limit, never
// cut. 200,000 rows of dialogues are about 30 MB of CSV.
const DefaultExportRows = 200_000

func (s *Server) serveExport(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	language := readerLanguage(r)
	name, format, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/export/"), ".")
	ex, known := s.tables[name]
	_, raw := ex.raw[format]
	if !ok || !known || (format != "csv" && format != "xlsx" && !raw) {
		x.fail(http.StatusNotFound, notFoundIn(language, "no such export; try /export/inclusion.csv, dialogues, commitments, stakeholders or outcomes, as .csv or .xlsx"))
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		x.fail(http.StatusMethodNotAllowed, badInputIn(language, "", "use GET"))
		return
	}
	principal, err := s.authenticate(r)
	if err != nil {
		x.unauthenticated(err)
		return
	}
	x.log = x.log.With().Str("subject", principal.Subject).Logger()
	q := r.URL.Query()
	lang := q.Get("lang")
	if lang == "" {
		lang = "fr"
	}
	if lang != "fr" && lang != "en" {
		x.fail(http.StatusBadRequest, badInputIn(language, "lang", "%q is not a language: lang is %s or %s", lang, "fr", "en"))
		return
	}
	vars, problem := s.exportVars(ex, q, language)
	if problem != nil {
		x.fail(http.StatusBadRequest, problem)
		return
	}
	query := ex.query
	if raw {
		query, vars["lang"] = ex.raw[format].query, lang
	}
	doc, err := s.document(query, language)
	if err != nil {
		x.log.Error().Err(err).Msg("an export's own query is refused")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	op := operationOf(doc, "")
	rq := &request{principal: principal, id: x.id, log: x.log, language: language, leaves: true}
	var rows [][]cell
	var last map[string]any
	for {
		// Each page may take the request timeout: the write deadline the
		// server set for one request is pushed back for every page.
		extendWriteDeadline(w, s.opts.RequestTimeout+exportWriteGrace)
		result, err := s.execute(r.Context(), rq, doc, op, "", vars)
		if x.refused(err) {
			return
		}
		if len(result.Errors) > 0 {
			errs := s.clientErrors(x.log, x.id, language, result.Errors, true)
			code, _ := errs[0].Extensions["code"].(string)
			field, _ := errs[0].Extensions["field"].(string)
			x.fail(statusOf[code], &coded{Code: code, Field: field, Message: errs[0].Message})
			return
		}
		last, _ = result.Data.(map[string]any)
		more, next := ex.rows(last)
		rows = append(rows, more...)
		if len(rows) > s.opts.ExportRows {
			x.fail(http.StatusBadRequest, badInputIn(language, "", "this export would hold more than %d rows, the most one export holds: narrow it with its filters (a region, a space, from and to)", s.opts.ExportRows))
			return
		}
		if next == "" {
			break
		}
		vars["after"] = next
	}
	x.log.Info().Str("audit", "export").Str("export", name).Str("format", format).Str("subject", principal.Subject).
		Str("token", principal.TokenID).Int("rows", len(rows)).Msg("audit")
	if raw {
		s.writeRaw(w, ex.raw[format], name, format, last)
		return
	}
	s.writeExport(w, x, ex, name, format, lang, q, rows, last)
}

// writeExport lays the rows out as CSV or XLSX, in lang, and sends them.
func (s *Server) writeExport(w http.ResponseWriter, x *exchange, ex export, name, format, lang string, q url.Values, rows [][]cell, last map[string]any) {
	headings := ex.headings(lang)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palabre-%s.%s"`, name, format))
	var body bytes.Buffer
	var err error
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = writeCSV(&body, headings, ex.columns, rows, q.Get("sep") == "semicolon", wording{lang, s.labels})
	} else {
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		about := s.filterWords(q, lang)
		if ex.about != nil {
			about = append(about, ex.about(last, lang)...)
		}
		made := s.deps.Clock()
		if ex.made != nil {
			made = ex.made(last)
		}
		err = writeXLSX(&body, name, headings, ex.columns, rows, about, wording{lang, s.labels}, made)
	}
	if err != nil {
		x.log.Error().Err(err).Msg("writing an export failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	extendWriteDeadline(w, exportWriteGrace+time.Duration(body.Len()/exportSlowestReader)*time.Second)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body.Bytes())
}

// writeRaw sends a file an answer holds whole.
func (s *Server) writeRaw(w http.ResponseWriter, raw rawExport, name, format string, data map[string]any) {
	body := raw.body(data)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="palabre-%s.%s"`, name, format))
	w.Header().Set("Content-Type", raw.contentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// An export is built whole in memory, page by page, before it is
// written, so it may outlast the server's write timeout (the request
// timeout and 30 s): the connection's deadline is extended as it goes,
// by exportWriteGrace, and to write it by the time a reader of
// exportSlowestReader bytes a second (64 kbit/s, a poor mobile link)
// takes; a slower reader is cut.
const (
	exportWriteGrace    = 30 * time.Second
	exportSlowestReader = 8 << 10
)

// extendWriteDeadline moves the connection's write deadline to by from
// now; a writer without one (a test's recorder) is left as it is.
func extendWriteDeadline(w http.ResponseWriter, by time.Duration) {
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(by))
}

// exportVars are an export's query variables from its URL parameters;
// a parameter that is not one of its filters, or a separator that is
// not one of separators, is refused in language, naming it.
func (s *Server) exportVars(ex export, q url.Values, language string) (map[string]any, *coded) {
	vars := map[string]any{}
	for key, values := range q {
		switch _, isParam := ex.params[key]; {
		case key == "sep":
			if !slices.Contains(separators, values[0]) {
				return nil, badInputIn(language, "sep", "%q is not a separator: sep is %s or %s", values[0], separators[0], separators[1])
			}
		case key == "lang":
		case !isParam:
			return nil, badInputIn(language, key, "%s is not a filter of this export", key)
		case ex.params[key] == "Boolean":
			vars[key] = values[0] == "true"
		case s.builder.enums[ex.params[key]] != nil || ex.params[key] == "Bucket" || ex.params[key] == "InclusionGrouping":
			vars[key] = enumValue(values[0]) // the code or the enum value alike
		default:
			vars[key] = values[0]
		}
	}
	return vars, nil
}

// separators are the values of an export's sep parameter: a comma, the
// default, or a semicolon, for French Excel.
var separators = []string{"comma", "semicolon"}

// headings are the columns' headings in a language.
func (ex export) headings(lang string) []string {
	out := make([]string, len(ex.columns))
	for i, c := range ex.columns {
		out[i] = map[string]string{"fr": c.fr, "en": c.en}[lang]
	}
	return out
}

// wording is an export's language: "fr" or "en", and the enums' labels.
type wording struct {
	lang   string
	labels map[string][2]string // by enum value: French, English
}

func (w wording) label(c enumCode) string {
	l, ok := w.labels[c.value]
	switch {
	case !ok:
		return c.value
	case w.lang == "en":
		return l[1]
	}
	return l[0]
}

func (w wording) withheld() string {
	return map[string]string{"fr": "masqué", "en": "withheld"}[w.lang]
}

// writeCSV writes UTF-8 with a byte-order mark, so that Excel reads the
// accents; semicolons for French Excel, whose decimal comma takes the
// comma.
func writeCSV(b *bytes.Buffer, headings []string, columns []column, rows [][]cell, semicolon bool, wd wording) error {
	b.WriteString("\uFEFF")
	cw := csv.NewWriter(b)
	if semicolon {
		cw.Comma = ';'
	}
	heads := make([]string, len(headings))
	for i, h := range headings {
		heads[i] = csvcell.Text(h) // the deployment's group names are in them
	}
	if err := cw.Write(heads); err != nil {
		return err
	}
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = csvValue(v, columns[i].kind, semicolon, wd)
			if !isNumber(v) {
				rec[i] = csvcell.Text(rec[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// isNumber: a count, share or duration the API computed, written as a
// number; a negative one (none today: counts are never made negative)
// would stay a number too, since it cannot carry a formula.
func isNumber(v cell) bool {
	switch v.(type) {
	case int, int32, int64, float64:
		return true
	}
	return false
}

func csvValue(v cell, kind cellKind, decimalComma bool, wd wording) string {
	switch x := v.(type) {
	case nil:
		return ""
	case enumCode:
		return wd.label(x)
	case bool:
		if kind == marker {
			if x {
				return wd.withheld()
			}
			return ""
		}
		return fmt.Sprint(x)
	case float64:
		s := fmt.Sprint(x)
		if kind == percent {
			s = fmt.Sprintf("%.2f", x)
		}
		if decimalComma {
			s = strings.ReplaceAll(s, ".", ",")
		}
		return s
	}
	return fmt.Sprint(v)
}

// filterNames are the filters' names in French and English, in the order
// the sheet about an export says them.
var filterNames = []struct{ key, fr, en string }{
	{"from", "Du", "From"}, {"to", "Au", "To"}, {"asOf", "Tel qu’enregistré au", "As recorded at"},
	{"region", "Région", "Region"}, {"spaceId", "Espace (identifiant)", "Space (id)"},
	{"stakeholderId", "Partie prenante (identifiant)", "Stakeholder (id)"}, {"pillar", "Pilier", "Pillar"},
	{"format", "Format", "Format"}, {"status", "Statut", "Status"}, {"overdue", "En retard seulement", "Overdue only"},
	{"changeType", "Type de changement", "Change type"}, {"tag", "Mot-clé", "Tag"}, {"actorId", "Acteur social (identifiant)", "Social actor (id)"},
	{"cites", "Cite (identifiant)", "Cites (id)"},
	{"bucket", "", ""}, {"groupBy", "", ""}, {"groupRows", "", ""},
}

// filterPhrases say the filters that shape a table, by value.
var filterPhrases = map[string]map[string][2]string{
	"bucket": {"MONTH": {"Par mois", "By month"}, "QUARTER": {"Par trimestre", "By quarter"}, "YEAR": {"Par année", "By year"}, "NONE": {"Sans découpage", "Not split"}},
	"groupBy": {"SPACE": {"Une ligne par espace", "A row per space"}, "REGION": {"Une ligne par région", "A row per region"},
		"PILLAR": {"Une ligne par pilier", "A row per pillar"}, "FORMAT": {"Une ligne par format", "A row per format"}},
	"groupRows": {"FALSE": {"Chaque groupe : son total sur la période", "Each group: its total over the period"}, "TRUE": {"Chaque groupe : chaque période et son total", "Each group: every period and its total"}},
}

// filterWords are the sheet's lines for an export's filters, in words
// and in the export's language: "Du 2026-01-01", "Région Gao", "Par
// trimestre"; a filter's value as given where it has no words.
func (s *Server) filterWords(q map[string][]string, lang string) [][]any {
	in := 0
	if lang == "en" {
		in = 1
	}
	var lines [][]any
	for _, f := range filterNames {
		values := q[f.key]
		if len(values) == 0 || values[0] == "" {
			continue
		}
		v := values[0]
		if phrase, ok := filterPhrases[f.key][enumValue(v)]; ok {
			lines = append(lines, []any{phrase[in]})
			continue
		}
		switch {
		case f.key == "region":
			v = s.regionLabel(v, lang)
		case f.key == "pillar" || f.key == "format" || f.key == "status" || f.key == "changeType":
			v = wording{lang, s.labels}.label(enumCode{enumValue(v)})
		}
		lines = append(lines, []any{[]string{f.fr, f.en}[in], v})
	}
	return lines
}

// regionLabel is a region's name in a language, or its code.
func (s *Server) regionLabel(code, lang string) string {
	if s.deps.Handler == nil {
		return code
	}
	if ref, ok := s.deps.Handler.Reference().(*refdata.Data); ok {
		for _, r := range ref.Regions {
			if r.Code == code {
				return r.Label(lang)
			}
		}
	}
	return code
}

// writeXLSX writes a workbook: a first sheet saying what the export holds
// (its filters in words, its moment, what a withheld figure means), then the table
// with typed cells — dates as dates, shares as percentages.
func writeXLSX(b *bytes.Buffer, name string, headings []string, columns []column, rows [][]cell, filters [][]any, wd wording, now time.Time) error {
	lang := wd.lang
	f := excelize.NewFile()
	defer f.Close()
	about := map[string]string{"fr": "À propos", "en": "About"}[lang]
	if err := f.SetSheetName("Sheet1", about); err != nil {
		return err
	}
	lines := [][]any{
		{map[string]string{"fr": "Export palabre", "en": "palabre export"}[lang], name},
		{map[string]string{"fr": "Fait le", "en": "Made on"}[lang], now.UTC().Format(time.RFC3339)},
	}
	lines = append(lines, filters...)
	lines = append(lines, []any{map[string]string{"fr": "Chiffres bruités", "en": "Perturbed figures"}[lang],
		map[string]string{
			"fr": "Pour les rôles sans accès aux identités, chaque effectif est la somme de cases de base (un espace, un mois, un format, un pilier) dont chacune est décalée une fois pour toutes d'un petit bruit (méthode des clés de cellule, ±5 au plus, le plus souvent 0 à ±2) : une même case donne toujours le même chiffre, et les totaux sont la somme exacte des cases publiées. Les parts sont calculées sur les chiffres publiés.",
			"en": "For roles without access to identities every count is the sum of base cells (one space, one month, one format, one pillar), each shifted once and for all by a small noise (cell-key method, at most ±5, mostly 0 to ±2): the same cell always gives the same figure, and totals are the exact sum of the published cells. Shares are computed from the published figures.",
		}[lang]},
		[]any{map[string]string{"fr": "Chiffres masqués", "en": "Withheld figures"}[lang],
			map[string]string{
				"fr": "Un chiffre bruité sous le seuil (5) est masqué : la case est vide et la colonne « masqué » le dit ; quand la participation d'une ligne est masquée, toute la ligne l'est. Un chiffre masqué n'est pas un zéro. Les participant·es uniques ne sont publié·es que pour une année civile entière d'un espace, d'une région ou de l'ensemble.",
				"en": "A perturbed figure below the threshold (5) is withheld: the cell is empty and the \"withheld\" column says so; when a row's attendance is withheld, the whole row is. A withheld figure is not a zero. Unique participants are published only for a whole calendar year of a space, a region or everything.",
			}[lang]})
	for i, line := range lines {
		if err := f.SetSheetRow(about, fmt.Sprintf("A%d", i+1), &line); err != nil {
			return err
		}
	}
	data := map[string]string{"fr": "Données", "en": "Data"}[lang]
	if _, err := f.NewSheet(data); err != nil {
		return err
	}
	heads := make([]any, len(headings))
	for i, h := range headings {
		heads[i] = h
	}
	if err := f.SetSheetRow(data, "A1", &heads); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	percentStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+2)
			if v == nil {
				continue
			}
			switch columns[c].kind {
			case date:
				if d, err := domain.ParseDate(fmt.Sprint(v)); err == nil {
					if err := f.SetCellValue(data, ref, d.Time()); err != nil {
						return err
					}
					if err := f.SetCellStyle(data, ref, ref, dateStyle); err != nil {
						return err
					}
					continue
				}
			case percent:
				if x, ok := v.(float64); ok {
					if err := f.SetCellFloat(data, ref, x/100, 4, 64); err != nil {
						return err
					}
					if err := f.SetCellStyle(data, ref, ref, percentStyle); err != nil {
						return err
					}
					continue
				}
			case marker:
				if x, _ := v.(bool); x {
					v = wd.withheld()
				} else {
					continue
				}
			}
			if e, ok := v.(enumCode); ok {
				v = wd.label(e)
			}
			if err := f.SetCellValue(data, ref, v); err != nil {
				return err
			}
		}
	}
	return f.Write(b)
}
