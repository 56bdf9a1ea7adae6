package imports

import (
	"fmt"
	"strings"
)

// Record is one row of a table, read by question name.
type Record struct {
	Sheet string
	Row   int // as the spreadsheet numbers it: the headings are row 1
	table *Table
	cells []string
}

// Get is the value of a question ("" when the column is absent or empty).
func (r Record) Get(name string) string {
	if i := r.table.column(name); i >= 0 && i < len(r.cells) {
		return strings.TrimSpace(r.cells[i])
	}
	return ""
}

// Has reports whether the table has a column for the question.
func (r Record) Has(name string) bool { return r.table.column(name) >= 0 }

// Multiple is a select-multiple answer, exported either as one column of
// space-separated choices or as one 0/1 column per choice
// ("stakeholderIds/01J…").
func (r Record) Multiple(name string) []string {
	if r.Has(name) {
		return strings.Fields(r.Get(name))
	}
	var out []string
	for i, h := range r.table.Headers {
		prefix, choice, ok := cutLast(h)
		if ok && lastSegment(prefix) == name && i < len(r.cells) {
			if v := strings.TrimSpace(r.cells[i]); v == "1" || strings.EqualFold(v, "true") {
				out = append(out, choice)
			}
		}
	}
	return out
}

func cutLast(h string) (string, string, bool) {
	i := strings.LastIndexAny(h, "/.:")
	if i < 0 {
		return "", "", false // "-" is not one here: choice names may hold it
	}
	return h[:i], h[i+1:], true
}

// Submission is one filled form with its repeats (attendees, concerns,
// commitments), by repeat name.
type Submission struct {
	Record
	Repeats map[string][]Record
}

// UUID is the submission's own id, without the "uuid:" prefix.
func (s Submission) UUID() string {
	for _, name := range []string{"_uuid", "instanceID", "KEY"} {
		if v := s.Get(name); v != "" {
			return strings.TrimPrefix(v, "uuid:")
		}
	}
	return ""
}

// Replaces is the uuid of the submission this one edits ("" for none).
func (s Submission) Replaces() string { return strings.TrimPrefix(s.Get("deprecatedID"), "uuid:") }

// Root is the uuid of the submission's first version, which names its
// dialogue through every edit: Kobo's meta/rootUuid, ODK Central's KEY
// (the logical submission's, kept through edits), else the version this
// one edits — one step only, so an edit of an edit exported without
// rootUuid cannot find the first version's dialogue — else its own.
func (s Submission) Root() string {
	for _, v := range []string{s.Get("rootUuid"), s.Get("KEY"), s.Replaces()} {
		if v != "" {
			return strings.TrimPrefix(v, "uuid:")
		}
	}
	return s.UUID()
}

// Submissions joins an export's tables: the first is the submissions, and
// every table with a parent column is a repeat, joined by the parent's
// _index (Kobo's XLSX), _submission__uuid (Kobo's CSV) or PARENT_KEY
// (ODK Central).
func Submissions(tables []Table) ([]Submission, error) {
	if len(tables) == 0 || len(tables[0].Rows) == 0 {
		return nil, fmt.Errorf("no submission in the file")
	}
	main := &tables[0]
	var out []Submission
	byIndex, byUUID := map[string]int{}, map[string]int{}
	for i, cells := range main.Rows {
		s := Submission{Record: Record{Sheet: main.Name, Row: i + 2, table: main, cells: cells}, Repeats: map[string][]Record{}}
		if s.UUID() == "" {
			return nil, fmt.Errorf("%s row %d: no _uuid or meta/instanceID: export the data with its metadata", main.Name, i+2)
		}
		byIndex[s.Get("_index")], byUUID[s.UUID()] = len(out), len(out)
		out = append(out, s)
	}
	for t := range tables[1:] {
		table := &tables[1+t]
		repeat := repeatName(table)
		for i, cells := range table.Rows {
			r := Record{Sheet: table.Name, Row: i + 2, table: table, cells: cells}
			n, ok := byIndex[r.Get("_parent_index")]
			if !r.Has("_parent_index") || r.Get("_parent_index") == "" {
				n, ok = byUUID[strings.TrimPrefix(firstOf(r, "_submission__uuid", "PARENT_KEY"), "uuid:")]
			}
			if !ok {
				return nil, fmt.Errorf("%s row %d: its submission is not in the file", table.Name, i+2)
			}
			out[n].Repeats[repeat] = append(out[n].Repeats[repeat], r)
		}
	}
	return out, nil
}

func firstOf(r Record, names ...string) string {
	for _, n := range names {
		if v := r.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// repeatName is the repeat a table holds: the sheet's name, which Kobo
// and ODK give after the repeat (ODK: "form-attendees.csv").
func repeatName(t *Table) string {
	name := strings.TrimSuffix(t.Name, ".csv")
	if i := strings.LastIndexAny(name, "-/"); i >= 0 {
		name = name[i+1:]
	}
	return name
}
