package imports

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/palabre/palabre/events/domain"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"
)

// Mapping says how another form's export reads as palabre's: which column
// holds which field, how its values read, what a missing field is, and
// which sheet holds which repeat. Written in YAML or JSON (JSON is YAML);
// docs/IMPORTS.md has an example, and `palabre import --suggest FILE`
// proposes one from an export's headers.
type Mapping struct {
	// Columns: palabre's field → the export's column (its last segment
	// suffices: "date_reunion" finds "groupe/date_reunion").
	Columns map[string]string `yaml:"columns" json:"columns"`
	// Values: palabre's field → the export's value → palabre's.
	Values map[string]map[string]string `yaml:"values" json:"values"`
	// Defaults: palabre's field → the value when the export has none.
	Defaults map[string]string `yaml:"defaults" json:"defaults"`
	// Repeats: the export's repeat (sheet) → attendees, concerns or
	// commitments.
	Repeats map[string]string `yaml:"repeats" json:"repeats"`
	// Attendees: "code" (by participant code in the attendees repeat,
	// the default) or "headcount" (the form counts people only: its
	// attendees' repeat, if any, is left out).
	Attendees string `yaml:"attendees" json:"attendees"`
}

// ParseMapping reads a mapping file, refusing what it does not know so
// that a misspelt key is not silently ignored.
func ParseMapping(b []byte) (*Mapping, error) {
	doc, shape := checkMappingShape(b)
	if err := shape.Err(); err != nil {
		return nil, err
	}
	var m Mapping
	if err := doc.Decode(&m); err != nil {
		// What the shape's check lets through (a key given twice): yaml's
		// own words (English) say where.
		return nil, domain.Reject("mapping", "the mapping is not YAML or JSON palabre reads: %v", err)
	}
	var p domain.Problems
	for _, repeat := range slices.Sorted(maps.Keys(m.Repeats)) {
		if to := m.Repeats[repeat]; !slices.Contains(repeatNames, to) {
			p.Add("mapping.repeats."+repeat, "%q is not one of %s", to, strings.Join(repeatNames, ", "))
		}
	}
	if m.Attendees != "" && m.Attendees != "code" && m.Attendees != "headcount" {
		p.Add("mapping.attendees", "%q is neither code nor headcount", m.Attendees)
	}
	for key, fields := range map[string][]string{"columns": slices.Collect(maps.Keys(m.Columns)),
		"values": slices.Collect(maps.Keys(m.Values)), "defaults": slices.Collect(maps.Keys(m.Defaults))} {
		for _, field := range fields {
			if !slices.Contains(mappedFields, field) {
				p.Add("mapping."+key+"."+field, "palabre has no such field (its fields: %s)", strings.Join(mappedFields, ", "))
			}
		}
	}
	slices.SortFunc(p, func(a, b domain.Problem) int { return strings.Compare(a.Field, b.Field) })
	if err := p.Err(); err != nil {
		return nil, err
	}
	return &m, nil
}

// mappingKeys are a mapping's keys and what each holds.
var mappingKeys = map[string]yamlShape{"columns": pairs, "values": pairsOfPairs, "defaults": pairs, "repeats": pairs, "attendees": word}

type yamlShape int

const (
	word yamlShape = iota
	pairs
	pairsOfPairs
)

// fits says whether a node holds this shape.
func (s yamlShape) fits(n *yaml.Node) bool {
	switch s {
	case word:
		return n.Kind == yaml.ScalarNode
	case pairs, pairsOfPairs:
		if n.Kind != yaml.MappingNode {
			return false
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !word.fits(n.Content[i]) || !map[yamlShape]yamlShape{pairs: word, pairsOfPairs: pairs}[s].fits(n.Content[i+1]) {
				return false
			}
		}
	}
	return true
}

// checkMappingShape parses a mapping and names, before it is decoded,
// each key a mapping does not have and each value of the wrong shape, in
// words the reader's language has: yaml's own (a Go type's name, "!!int")
// say neither to a person. Every key is thus known when the document is
// decoded.
func checkMappingShape(b []byte) (*yaml.Node, domain.Problems) {
	var p domain.Problems
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		p.Add("mapping", "the mapping is not YAML or JSON palabre reads: %v", err)
		return nil, p
	}
	keys := strings.Join(slices.Sorted(maps.Keys(mappingKeys)), ", ")
	if len(doc.Content) == 0 {
		p.Add("mapping", "the mapping is empty")
		return nil, p
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		p.Add("mapping", "line %d: a mapping holds keys (%s), each with its value", top.Line, keys)
		return nil, p
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, value := top.Content[i], top.Content[i+1]
		shape, known := mappingKeys[key.Value]
		switch {
		case !known:
			p.Add("mapping."+key.Value, "line %d: a mapping has no such key (its keys: %s)", key.Line, keys)
		case !shape.fits(value):
			shape.misfit(&p, "mapping."+key.Value, value.Line)
		}
	}
	return &doc, p
}

// misfit says what the value at field, on line, should have been.
func (s yamlShape) misfit(p *domain.Problems, field string, line int) {
	switch s {
	case word:
		p.Add(field, "line %d: one word is expected here", line)
	case pairs:
		p.Add(field, "line %d: pairs of words are expected here (name: word)", line)
	case pairsOfPairs:
		p.Add(field, "line %d: for each field, pairs of words are expected here (the export's value: palabre's)", line)
	}
}

// repeatNames are the repeats palabre reads.
var repeatNames = []string{"attendees", "concerns", "commitments"}

// mappedFields are the fields a mapping may name: the form's questions
// and the registers' columns.
var mappedFields = func() []string {
	fields := []string{"spaceId", "heldOn", "format", "pillar", "title", "topics", "locality", "language", "durationMinutes",
		"youngWomen", "adultWomen", "youngMen", "adultMen", "withDisabilities", "displaced", "stakeholderIds",
		"participantCode", "spoke", "newParticipant", "category", "summary", "stakeholderId", "text", "dueOn",
		"_uuid", "_submission_time", "deprecatedID"}
	for _, reg := range Registers {
		for _, c := range reg.Columns {
			if !slices.Contains(fields, c.Name) {
				fields = append(fields, c.Name)
			}
		}
	}
	slices.Sort(fields)
	return fields
}()

// Apply rewrites an export's tables as palabre's form would have made
// them: columns renamed, values mapped, defaults filled, repeats named.
func (m *Mapping) Apply(tables []Table) []Table {
	if m == nil {
		return tables
	}
	out := make([]Table, 0, len(tables))
	for i, t := range tables {
		if to, ok := m.Repeats[repeatName(&t)]; ok && i > 0 {
			t.Name = to
		}
		if i > 0 && m.Attendees == "headcount" && repeatName(&t) == "attendees" {
			continue
		}
		out = append(out, m.applyTo(t, i == 0))
	}
	return out
}

// applyTo maps one table; defaults go to the submissions' table (or the
// register), the only one whose fields they can be.
func (m *Mapping) applyTo(t Table, first bool) Table {
	headers := slices.Clone(t.Headers)
	t.shown = slices.Clone(t.Headers)
	for field, column := range m.Columns {
		if i := t.column(column); i >= 0 {
			headers[i] = field
		}
	}
	t.Headers = headers
	rows := make([][]string, len(t.Rows))
	for r, cells := range t.Rows {
		cells = slices.Clone(cells)
		for c, h := range headers {
			if values, ok := m.Values[lastSegment(h)]; ok && c < len(cells) {
				cells[c] = mapValue(values, cells[c])
			}
		}
		rows[r] = cells
	}
	t.Rows = rows
	if first {
		for _, field := range sortedKeys(m.Defaults) {
			i := t.column(field)
			if i < 0 {
				t.Headers, t.shown = append(t.Headers, field), append(t.shown, field)
				i = len(t.Headers) - 1
			}
			for r := range t.Rows {
				for len(t.Rows[r]) <= i {
					t.Rows[r] = append(t.Rows[r], "")
				}
				if strings.TrimSpace(t.Rows[r][i]) == "" {
					t.Rows[r][i] = m.Defaults[field]
				}
			}
		}
	}
	return t
}

// mapValue maps a value, or each word of a select-multiple's, by its
// spelling regardless of case and accents; a value the map lacks stays.
func mapValue(values map[string]string, v string) string {
	if to, ok := lookupFolded(values, v); ok {
		return to
	}
	words := strings.Fields(v)
	if len(words) < 2 {
		return v
	}
	for i, w := range words {
		if to, ok := lookupFolded(values, w); ok {
			words[i] = to
		}
	}
	return strings.Join(words, " ")
}

func lookupFolded(values map[string]string, v string) (string, bool) {
	if to, ok := values[strings.TrimSpace(v)]; ok {
		return to, true
	}
	for from, to := range values {
		if fold(from) == fold(v) {
			return to, true
		}
	}
	return "", false
}

// fold is a spelling without case, accents or punctuation: "Sécurité"
// and "securite" are one.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// clues are the words by which --suggest recognises a field in a header,
// folded (no case, accents or punctuation); more specific fields first,
// so that "femmes jeunes" is youngWomen before "femmes" is adultWomen.
var clues = []struct {
	field string
	words []string
}{
	{"_uuid", []string{"uuid", "instanceid", "identifiant"}},
	{"_submission_time", []string{"submissiontime", "submissiondate", "datedesoumission"}},
	{"youngWomen", []string{"youngwomen", "jeunesfemmes", "femmesjeunes", "jeunefille", "filles"}},
	{"youngMen", []string{"youngmen", "jeuneshommes", "hommesjeunes", "jeunesgarcons", "garcons"}},
	{"adultWomen", []string{"adultwomen", "femmesadultes", "femmes", "women"}},
	{"adultMen", []string{"adultmen", "hommesadultes", "hommes", "men"}},
	{"withDisabilities", []string{"handicap", "disabilit"}},
	{"displaced", []string{"deplace", "displaced", "idp"}},
	{"participantCode", []string{"codeparticipant", "participantcode", "code"}},
	{"stakeholderIds", []string{"partiesprenantes", "stakeholders", "autorites"}},
	{"spaceId", []string{"espace", "space", "cadre", "comite"}},
	{"heldOn", []string{"datedureunion", "datereunion", "daterencontre", "heldon", "date"}},
	{"format", []string{"format", "typederencontre", "typerencontre"}},
	{"pillar", []string{"pilier", "pillar", "axe"}},
	{"title", []string{"intitule", "titre", "title"}},
	{"topics", []string{"themes", "theme", "sujets", "topics"}},
	{"locality", []string{"localite", "village", "commune", "locality"}},
	{"language", []string{"langue", "language"}},
	{"durationMinutes", []string{"duree", "duration"}},
	{"spoke", []string{"prislaparole", "parole", "spoke"}},
	{"sex", []string{"sexe", "genre", "sex", "gender"}},
	{"ageBand", []string{"trancheage", "tranchedage", "ageband"}},
	{"birthYear", []string{"anneedenaissance", "naissance", "birthyear"}},
	{"text", []string{"engagement", "commitment"}},
	{"dueOn", []string{"echeance", "dueon", "deadline"}},
	{"category", []string{"preoccupation", "concern", "probleme"}},
}

// repeatClues recognise repeats by their sheet's name.
var repeatClues = map[string][]string{
	"attendees":   {"participant", "presence", "attendee", "liste"},
	"commitments": {"engagement", "commitment"},
	"concerns":    {"preoccupation", "concern", "probleme"},
}

// Suggest proposes a mapping from an export's headers, and lists the
// columns it could not place. A person must check it: it guesses by words.
func Suggest(tables []Table) (m *Mapping, unplaced []string) {
	m = &Mapping{Columns: map[string]string{}, Repeats: map[string]string{}, Values: map[string]map[string]string{}, Defaults: map[string]string{}}
	for i, t := range tables {
		if i > 0 {
			placeRepeat(m, &t)
		}
		for _, h := range t.Headers {
			name := lastSegment(h)
			if placeColumn(m, name) {
				continue
			}
			if !strings.HasPrefix(name, "_") && name != "" {
				unplaced = append(unplaced, h)
			}
		}
	}
	if !slices.Contains(mapValuesOf(m.Repeats), "attendees") && !hasRepeat(tables, "attendees") {
		m.Attendees = "headcount"
	}
	if _, ok := m.Columns["pillar"]; !ok {
		m.Defaults["pillar"] = "inclusion"
	}
	return m, unplaced
}

// placeColumn maps a header to the first field its words name, unless it
// is already palabre's own name or the field is taken.
func placeColumn(m *Mapping, name string) bool {
	if slices.Contains(mappedFields, name) {
		return true
	}
	folded := fold(name)
	for _, c := range clues {
		if _, taken := m.Columns[c.field]; taken {
			continue
		}
		for _, w := range c.words {
			if strings.Contains(folded, w) {
				m.Columns[c.field] = name
				return true
			}
		}
	}
	return false
}

func placeRepeat(m *Mapping, t *Table) {
	name := repeatName(t)
	if slices.Contains(repeatNames, name) {
		return
	}
	for _, to := range repeatNames {
		for _, w := range repeatClues[to] {
			if strings.Contains(fold(name), w) {
				m.Repeats[name] = to
				return
			}
		}
	}
}

func hasRepeat(tables []Table, name string) bool {
	for i := 1; i < len(tables); i++ {
		if repeatName(&tables[i]) == name {
			return true
		}
	}
	return false
}

func mapValuesOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// YAML writes a mapping as a file to edit, with what --suggest could not
// place as a comment.
func (m *Mapping) YAML(source string, unplaced []string) ([]byte, error) {
	body, err := yaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# A mapping proposed by palabre import --suggest from %s.\n", source)
	b.WriteString("# Check every line; add value maps (values: {pillar: {securite: security}}) and defaults (defaults: {spaceId: …}).\n")
	if len(unplaced) > 0 {
		fmt.Fprintf(&b, "# Columns not placed: %s\n", strings.Join(unplaced, ", "))
	}
	b.Write(body)
	return []byte(b.String()), nil
}
