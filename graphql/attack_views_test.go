package graphql_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// How the attacker asks: a view (or a table's group, or a bucket's row) of
// the GraphQL API, the same as an export, or a dialogue's own figures, and
// what one answer says of a few measures.

// everyMeasure are the counts of InclusionFigures.
var everyMeasure = []string{"attendance", "registered", "unregistered", "uniqueParticipants", "women", "men",
	"youth", "youngWomen", "youngMen", "ageUnknown", "personsWithDisabilities", "displaced"}

// attackedMeasures are the small counts the averaging attacker is after.
var attackedMeasures = []string{"displaced", "personsWithDisabilities"}

// observation is what a published figure says: a count, or withheld.
type observation struct {
	count    int
	withheld bool
}

// figureAnswer is one answer's dialogues and measures.
type figureAnswer struct {
	dialogues int
	measures  map[string]observation
}

// viewSpec is one question.
type viewSpec struct {
	kind     string // "" GraphQL, "csv" or "xlsx" export, "dialogue" a dialogue's figures
	scope    string // GraphQL arguments: spaceId, region, format, pillar
	from, to time.Time
	asOf     string
	groupBy  string // a table: the answer is the group of groupKey
	groupKey string
	bucket   string    // a bucketed view: the answer is the row holding rowAt
	rowAt    time.Time //
	id       string    // the dialogue's
}

func (v viewSpec) arguments() string {
	args := []string{`from: "` + v.from.Format(time.DateOnly) + `"`, `to: "` + v.to.Format(time.DateOnly) + `"`}
	if v.scope != "" {
		args = append([]string{v.scope}, args...)
	}
	if v.asOf != "" {
		args = append(args, `asOf: "`+v.asOf+`"`)
	}
	if v.groupBy != "" {
		args = append(args, "groupBy: "+v.groupBy)
	}
	if v.bucket != "" {
		args = append(args, "bucket: "+v.bucket)
	}
	return strings.Join(args, ", ")
}

func (v viewSpec) key() string {
	return fmt.Sprintf("%s|%s|%s|%s", v.kind, v.arguments(), v.groupKey, v.rowAt.Format(time.DateOnly)+v.id)
}

// selection is what a view asks for: its total, its group or its rows.
func (v viewSpec) selection() string {
	switch {
	case v.groupBy != "":
		return "groups { key total { ...F } }"
	case v.bucket != "":
		return "rows { from to figures { ...F } }"
	}
	return "total { ...F }"
}

func fragment(measures []string) string {
	var f strings.Builder
	f.WriteString("fragment F on InclusionFigures { dialogues")
	for _, m := range measures {
		f.WriteString(" " + m + " { count suppressed }")
	}
	f.WriteString(" }")
	return f.String()
}

// fetchViews answers every spec as token, each distinct question once,
// as many to a request as the API's limits let: 30 aliases, 500 fields,
// and two past views (each costs ~500,000 of the 1,200,000 budget).
func fetchViews(t *testing.T, e *env, token string, specs []viewSpec, measures []string) []figureAnswer {
	t.Helper()
	seen := map[string]figureAnswer{}
	var live, past, dialogues []viewSpec
	for _, v := range specs {
		k := v.key()
		if _, ok := seen[k]; ok {
			continue
		}
		seen[k] = figureAnswer{}
		switch {
		case v.kind == "csv" || v.kind == "xlsx":
			seen[k] = fetchExport(t, e, token, v, measures)
		case v.kind == "dialogue":
			dialogues = append(dialogues, v)
		case v.asOf != "":
			past = append(past, v)
		default:
			live = append(live, v)
		}
	}
	perRequest := min(30, 480/(6+3*len(measures)))
	for _, group := range [][]viewSpec{live, past, dialogues} {
		step := perRequest
		if len(group) > 0 && group[0].asOf != "" {
			step = 2
		}
		for len(group) > 0 {
			n := min(step, len(group))
			for k, a := range fetchBatch(t, e, token, group[:n], measures) {
				seen[k] = a
			}
			group = group[n:]
		}
	}
	out := make([]figureAnswer, len(specs))
	for i, v := range specs {
		out[i] = seen[v.key()]
	}
	return out
}

func fetchBatch(t *testing.T, e *env, token string, specs []viewSpec, measures []string) map[string]figureAnswer {
	t.Helper()
	var q strings.Builder
	q.WriteString("{")
	for i, v := range specs {
		if v.kind == "dialogue" {
			fmt.Fprintf(&q, " v%d: node(id: %q) { ... on Dialogue { figures { ...F } } }", i, v.id)
		} else {
			fmt.Fprintf(&q, " v%d: inclusion(%s) { %s }", i, v.arguments(), v.selection())
		}
	}
	q.WriteString(" } " + fragment(measures))
	r := e.do(token, q.String(), nil)
	if len(r.Errors) > 0 || r.Status != 200 {
		t.Fatalf("%.300s…\n-> %d %.500s", q.String(), r.Status, r.raw)
	}
	out := map[string]figureAnswer{}
	for i, v := range specs {
		out[v.key()] = pickFigures(v, r.Data[fmt.Sprintf("v%d", i)], measures)
	}
	return out
}

// pickFigures finds the figures a spec asks about in its answer: a
// table's group or a bucket's row that is absent holds nobody.
func pickFigures(v viewSpec, answer any, measures []string) figureAnswer {
	var f any
	switch {
	case v.kind == "dialogue":
		f = get(answer, "figures")
	case v.groupBy != "":
		for _, g := range get(answer, "groups").([]any) {
			if sameCode(get(g, "key").(string), v.groupKey) {
				f = get(g, "total")
			}
		}
	case v.bucket != "":
		// The row of rowAt's bucket, whose end may be cut to the view's.
		day, first := v.rowAt.Format(time.DateOnly), bucketStart(v.bucket, v.rowAt).Format(time.DateOnly)
		for _, r := range get(answer, "rows").([]any) {
			if from := get(r, "from").(string); first <= from && from <= day {
				f = get(r, "figures")
			}
		}
	default:
		f = get(answer, "total")
	}
	a := figureAnswer{measures: map[string]observation{}}
	if f == nil {
		for _, m := range measures {
			a.measures[m] = observation{}
		}
		return a
	}
	a.dialogues = int(get(f, "dialogues").(float64))
	for _, m := range measures {
		if get(f, m, "suppressed") == true {
			a.measures[m] = observation{withheld: true}
		} else {
			a.measures[m] = observation{count: int(get(f, m, "count").(float64))}
		}
	}
	return a
}

// exportHeadings are the English headings of the export's columns.
var exportHeadings = map[string]string{"displaced": "Displaced", "personsWithDisabilities": "Persons with disabilities",
	"attendance": "Attendance", "registered": "Registered", "youngWomen": "Young women"}

// fetchExport reads a view's total from /export/inclusion.csv or .xlsx.
func fetchExport(t *testing.T, e *env, token string, v viewSpec, measures []string) figureAnswer {
	t.Helper()
	q := url.Values{"from": {v.from.Format(time.DateOnly)}, "to": {v.to.Format(time.DateOnly)}, "lang": {"en"}}
	for _, arg := range strings.Split(v.scope, ", ") {
		name, value, _ := strings.Cut(arg, ": ")
		q.Set(name, strings.Trim(value, `"`))
	}
	status, body := e.download(token, "/export/inclusion."+v.kind+"?"+q.Encode())
	if status != 200 {
		t.Fatalf("export %s: %d %.300s", q.Encode(), status, body)
	}
	var rows [][]string
	var err error
	if v.kind == "csv" {
		rows, err = csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\uFEFF")))).ReadAll()
	} else {
		rows, err = xlsxRows(body)
	}
	if err != nil || len(rows) < 2 {
		t.Fatalf("export %s: %v (%d rows)", q.Encode(), err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	a := figureAnswer{measures: map[string]observation{}}
	for _, row := range rows[1:] {
		if row[col["From"]] != "Total" || row[col["Group"]] != "" {
			continue
		}
		a.dialogues, _ = strconv.Atoi(row[col["Dialogues"]])
		for _, m := range measures {
			h := exportHeadings[m]
			if cellAt(row, col[h+" withheld"]) != "" {
				a.measures[m] = observation{withheld: true}
				continue
			}
			n, err := strconv.Atoi(cellAt(row, col[h]))
			if err != nil {
				t.Fatalf("export %s: %s is %q", q.Encode(), h, cellAt(row, col[h]))
			}
			a.measures[m] = observation{count: n}
		}
	}
	return a
}

func cellAt(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// xlsxRows are the rows of the workbook's data sheet (the one whose first
// heading is "Group").
func xlsxRows(body []byte) ([][]string, error) {
	book, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for _, sheet := range book.GetSheetList() {
		rows, err := book.GetRows(sheet)
		if err == nil && len(rows) > 0 && len(rows[0]) > 0 && rows[0][0] == "Group" {
			return rows, nil
		}
	}
	return nil, fmt.Errorf("no data sheet in %v", book.GetSheetList())
}

// sameCode compares a group's key with an enum value: "community-dialogue"
// is COMMUNITY_DIALOGUE.
func sameCode(key, value string) bool {
	return strings.EqualFold(strings.ReplaceAll(key, "-", "_"), value)
}

// bucketStart is the first day of the month, quarter or year of a day.
func bucketStart(bucket string, d time.Time) time.Time {
	switch bucket {
	case "MONTH":
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "QUARTER":
		return time.Date(d.Year(), (d.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
}
