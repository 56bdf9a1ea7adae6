package imports

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// Record is one row of a table, read by question name.
type Record struct {
	Sheet string
	Row   int // as the spreadsheet numbers it: the headings are row 1
	table *Table
	cells []string
}

// Get is the value of a question on one line ("" when the column is
// absent or empty): line breaks and tabs become spaces. Enketo lets a
// text question hold several lines, and a one-line field (a title, a
// locality, a name) refuses them (domain.Text): a real export must not be
// refused for a facilitator's Enter key.
func (r Record) Get(name string) string {
	parts := strings.FieldsFunc(r.Lines(name), func(c rune) bool {
		return c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\u2028' || c == '\u2029' || c == '\u0085'
	})
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " ")
}

// Lines is the value of a question as written, line breaks kept, for the
// fields that hold several lines (domain.Note): a concern's summary, a
// commitment's text. A byte-order mark, which some tools leave at the
// start of a cell, is not text and goes.
func (r Record) Lines(name string) string {
	if i := r.table.column(name); i >= 0 && i < len(r.cells) {
		return strings.TrimSpace(strings.ReplaceAll(r.cells[i], "\ufeff", ""))
	}
	return ""
}

// Header is the question's column as the export heads it
// ("headcount/withDisabilities"), for a report; the question's name when
// the table has no such column.
func (r Record) Header(name string) string {
	i := r.table.column(name)
	switch {
	case i < 0:
		return name
	case i < len(r.table.shown):
		return r.table.shown[i]
	}
	return r.table.Headers[i]
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

// UUID is this version of the submission's own id, without the "uuid:"
// prefix: Kobo's _uuid (which an edit changes), ODK Central's
// meta-instanceID, else its KEY.
func (s Submission) UUID() string {
	for _, name := range []string{"_uuid", "instanceID", "KEY"} {
		if v := s.Get(name); v != "" {
			return strings.TrimPrefix(v, "uuid:")
		}
	}
	return ""
}

// root is the uuid of the submission's first version, which the servers
// keep through edits: Kobo's meta/rootUuid, ODK Central's KEY (the
// logical submission's instance id: briefcase.js writes it as KEY and as
// every repeat row's PARENT_KEY). "" when the export does not say (a
// Kobo too old to export rootUuid, another form).
func (s Submission) root() string {
	return cmp.Or(strings.TrimPrefix(s.Get("rootUuid"), "uuid:"), strings.TrimPrefix(s.Get("KEY"), "uuid:"))
}

// First reports whether this is known to be the submission's first
// version: an older export of a submission edited since.
func (s Submission) First() bool { return s.root() != "" && s.root() == s.UUID() }

// Edits is how many times ODK Central's submission was edited before this
// version (its Edits column; 0 for Kobo's, which do not say).
func (s Submission) Edits() int {
	if s.Get("KEY") == "" {
		return 0
	}
	n, _ := strconv.Atoi(s.Get("Edits"))
	return n
}

// Keys are what names the submission whatever the download option and
// server, most trusted first: its first version's uuid, and Kobo's _id,
// which an edit keeps (so that a Kobo that does not export rootUuid still
// links an edit to its dialogue). Never the submission time as read: a
// typed cell reads as its format shows it. The first key names a new
// dialogue; the others find one made before under them.
func (s Submission) Keys() []string {
	var keys []string
	if root := s.root(); root != "" {
		keys = append(keys, "uuid:"+root)
	}
	if id := strings.TrimSuffix(s.Get("_id"), ".0"); id != "" {
		keys = append(keys, "kobo-id:"+id)
	}
	if s.root() == "" && s.UUID() != "" {
		// Perhaps the first version: another export may have named it.
		keys = append(keys, "uuid:"+s.UUID())
	}
	return keys
}

// legacyRoot is the uuid imports named a submission by before its keys
// were stable (rootUuid, KEY, the deprecatedID a mapping may give, or its
// own), for the dialogues imported then.
func (s Submission) legacyRoot() string {
	for _, v := range []string{s.Get("rootUuid"), s.Get("KEY"), s.Get("deprecatedID")} {
		if v := strings.TrimPrefix(v, "uuid:"); v != "" {
			return v
		}
	}
	return s.UUID()
}

// Submissions joins an export's tables: the first is the submissions, and
// every table with a parent column is a repeat, joined by the parent's
// _index (Kobo's XLSX: _parent_index) or by the logical submission's KEY
// (ODK Central: PARENT_KEY), else by _submission__uuid (Kobo's XLSX
// without _index). The submissions come in the order they were
// submitted (Central lists the newest first), so that a person a
// submission enrols is known to the later ones.
func Submissions(tables []Table) ([]Submission, error) {
	if len(tables) == 0 || len(tables[0].Rows) == 0 {
		return nil, domain.Reject("file", "no submission in the file")
	}
	main := &tables[0]
	var out []Submission
	byIndex, byKey := map[string]int{}, map[string]int{}
	for i, cells := range main.Rows {
		s := Submission{Record: Record{Sheet: main.Name, Row: i + 2, table: main, cells: cells}, Repeats: map[string][]Record{}}
		if s.UUID() == "" {
			return nil, domain.Reject("file", "%s row %d: no _uuid or meta/instanceID: export the data with its metadata", main.Name, i+2)
		}
		byIndex[s.Get("_index")], byKey[strings.TrimPrefix(cmp.Or(s.Get("KEY"), s.UUID()), "uuid:")] = len(out), len(out)
		out = append(out, s)
	}
	for t := range tables[1:] {
		table := &tables[1+t]
		repeat := repeatName(table)
		for i, cells := range table.Rows {
			r := Record{Sheet: table.Name, Row: i + 2, table: table, cells: cells}
			n, ok := byIndex[r.Get("_parent_index")]
			if !r.Has("_parent_index") || r.Get("_parent_index") == "" {
				n, ok = byKey[strings.TrimPrefix(firstOf(r, "PARENT_KEY", "_submission__uuid"), "uuid:")]
			}
			if !ok {
				return nil, domain.Reject("file", "%s row %d: its submission is not in the file", table.Name, i+2)
			}
			out[n].Repeats[repeat] = append(out[n].Repeats[repeat], r)
		}
	}
	slices.SortStableFunc(out, func(a, b Submission) int {
		return cmp.Or(submittedAt(a).Compare(submittedAt(b)), cmp.Compare(koboID(a), koboID(b)))
	})
	return out, nil
}

// koboID is Kobo's _id, which grows with each submission (0 for none).
func koboID(s Submission) int {
	n, _ := strconv.Atoi(strings.TrimSuffix(s.Get("_id"), ".0"))
	return n
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
