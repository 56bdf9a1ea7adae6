package graphql

import (
	"strings"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain/refdata"
)

// The exports' tables. Each is an operation of the public API and the
// columns its answer is laid out in.

// figureColumns are a count, its share and its withheld marker per measure.
var figureColumns = func() []column {
	names := map[string][2]string{
		"attendance": {"Participation", "Attendance"}, "registered": {"Inscrits", "Registered"}, "unregistered": {"Non inscrits", "Unregistered"},
		"uniqueParticipants": {"Participants uniques", "Unique participants"}, "women": {"Femmes", "Women"}, "men": {"Hommes", "Men"},
		"youth": {"Jeunes", "Youth"}, "youngWomen": {"Jeunes femmes", "Young women"}, "youngMen": {"Jeunes hommes", "Young men"},
		"ageUnknown": {"Âge inconnu", "Age unknown"}, "personsWithDisabilities": {"Personnes handicapées", "Persons with disabilities"},
		"displaced": {"Personnes déplacées", "Displaced"},
	}
	var out []column
	for _, m := range read.MeasureNames {
		n := names[m]
		out = append(out, column{n[0], n[1], number}, column{n[0] + " (%)", n[1] + " (%)", percent}, column{n[0] + " masqué", n[1] + " withheld", marker})
	}
	return out
}()

const figureFragment = `fragment F on InclusionFigures { dialogues ` +
	`attendance { ...M } registered { ...M } unregistered { ...M } uniqueParticipants { ...M } women { ...M } men { ...M } ` +
	`youth { ...M } youngWomen { ...M } youngMen { ...M } ageUnknown { ...M } personsWithDisabilities { ...M } displaced { ...M } ` +
	`groups { group count share suppressed } } ` +
	`fragment M on Measure { count share suppressed }`

// excludedGroups are the deployment's excluded groups, each a count, a
// share and a marker column after the measures'.
func (s *Server) excludedGroups() (codes []string, columns []column) {
	for _, g := range s.deploymentGroups() {
		fr, en := g.Label("fr"), g.Label("en")
		codes = append(codes, g.Code)
		columns = append(columns, column{fr, en, number}, column{fr + " (%)", en + " (%)", percent}, column{fr + " masqué", en + " withheld", marker})
	}
	return codes, columns
}

// figureCells lays out one InclusionFigures answer in figureColumns, then
// the excluded groups' columns (a group with no attendee counts 0).
func figureCells(f any, groups []string) []cell {
	var out []cell
	for _, m := range read.MeasureNames {
		out = append(out, at(f, m, "count"), at(f, m, "share"), at(f, m, "suppressed") == true)
	}
	for _, code := range groups {
		c := []cell{0, 0.0, false}
		for _, g := range asSlice(at(f, "groups")) {
			if at(g, "group") == code {
				c = []cell{at(g, "count"), at(g, "share"), at(g, "suppressed") == true}
			}
		}
		out = append(out, c...)
	}
	return out
}

// groupLabel names a table's group: its space, or the label of its
// pillar or format, or its region.
func groupLabel(g any) cell {
	if name := at(g, "space", "name"); name != nil {
		return name
	}
	key, _ := at(g, "key").(string)
	if by := at(g, "by"); by == string(read.ByPillar) || by == string(read.ByFormat) {
		return code(enumValue(key))
	}
	return key
}

func (s *Server) exports() map[string]export {
	groups, groupColumns := s.excludedGroups()
	// view lays out one view's buckets and total, or one group's, under
	// its name.
	view := func(name cell, v any) [][]cell {
		var rows [][]cell
		for _, r := range asSlice(at(v, "rows")) {
			rows = append(rows, append([]cell{name, at(r, "from"), at(r, "to"), at(r, "figures", "dialogues")}, figureCells(at(r, "figures"), groups)...))
		}
		total := at(v, "total")
		return append(rows, append([]cell{name, "Total", nil, at(total, "dialogues")}, figureCells(total, groups)...))
	}
	return map[string]export{
		"donorReport": donorReportExport(),
		"outcomes":    outcomesExport(),
		"inclusion": {
			// groupRows=false gives each group its total only, as the
			// dashboard's table shows it: a year of every space by month
			// is then a row per space and per month, not both.
			query: `query($spaceId: ID, $region: String, $pillar: Pillar, $format: DialogueFormat, $from: Date, $to: Date, $bucket: Bucket, $asOf: String, $groupBy: InclusionGrouping, $groupRows: Boolean = true) {
			  inclusion(spaceId: $spaceId, region: $region, pillar: $pillar, format: $format, from: $from, to: $to, bucket: $bucket, asOf: $asOf, groupBy: $groupBy) {
			    from to asOf widened rows { from to figures { ...F } } total { ...F } groups { by key space { name } rows @include(if: $groupRows) { from to figures { ...F } } total { ...F } } } } ` + figureFragment,
			params: map[string]string{"spaceId": "ID", "region": "String", "pillar": "Pillar", "format": "DialogueFormat", "from": "Date", "to": "Date",
				"bucket": "Bucket", "asOf": "String", "groupBy": "InclusionGrouping", "groupRows": "Boolean"},
			columns: append(append([]column{{"Groupe", "Group", text}, {"Du", "From", date}, {"Au", "To", date}, {"Dialogues", "Dialogues", number}}, figureColumns...), groupColumns...),
			rows: func(data map[string]any) ([][]cell, string) {
				var rows [][]cell
				for _, g := range asSlice(at(data, "inclusion", "groups")) {
					rows = append(rows, view(groupLabel(g), g)...)
				}
				return append(rows, view(nil, at(data, "inclusion"))...), ""
			},
			about: coveredRange},
		"dialogues": {
			query: `query($after: String, $spaceId: ID, $region: String, $pillar: Pillar, $format: DialogueFormat, $from: Date, $to: Date, $stakeholderId: ID) {
			  dialogues(first: 100, after: $after, spaceId: $spaceId, region: $region, pillar: $pillar, format: $format, from: $from, to: $to, stakeholderId: $stakeholderId) {
			    pageInfo { hasNextPage endCursor }
			    edges { node { id heldOn format pillar title locality language durationMinutes topics space { name region } stakeholders { name }
			      figures { attendance { count suppressed } } } } } }`,
			params: map[string]string{"spaceId": "ID", "region": "String", "pillar": "Pillar", "format": "DialogueFormat", "from": "Date", "to": "Date", "stakeholderId": "ID"},
			columns: []column{{"Identifiant", "Id", text}, {"Date", "Held on", date}, {"Espace", "Space", text}, {"Région", "Region", text},
				{"Format", "Format", text}, {"Pilier", "Pillar", text}, {"Titre", "Title", text}, {"Localité", "Locality", text}, {"Langue", "Language", text},
				{"Durée (minutes)", "Duration (minutes)", number}, {"Thèmes", "Topics", text}, {"Parties prenantes", "Stakeholders", text},
				{"Participation", "Attendance", number}, {"Participation masquée", "Attendance withheld", marker}},
			rows: func(data map[string]any) ([][]cell, string) {
				var rows [][]cell
				for _, e := range asSlice(at(data, "dialogues", "edges")) {
					n := at(e, "node")
					rows = append(rows, []cell{at(n, "id"), at(n, "heldOn"), at(n, "space", "name"), at(n, "space", "region"),
						code(at(n, "format")), code(at(n, "pillar")), at(n, "title"), at(n, "locality"), at(n, "language"), at(n, "durationMinutes"),
						joined(at(n, "topics"), ""), joined(at(n, "stakeholders"), "name"),
						at(n, "figures", "attendance", "count"), at(n, "figures", "attendance", "suppressed") == true})
				}
				return rows, nextPage(at(data, "dialogues", "pageInfo"))
			}},
		"commitments": {
			query: `query($after: String, $stakeholderId: ID, $spaceId: ID, $region: String, $pillar: Pillar, $status: CommitmentStatus, $overdue: Boolean) {
			  commitments(first: 100, after: $after, stakeholderId: $stakeholderId, spaceId: $spaceId, region: $region, pillar: $pillar, status: $status, overdue: $overdue) {
			    pageInfo { hasNextPage endCursor }
			    edges { node { id madeOn dueOn text pillar status progress settledOn overdue stakeholder { name } space { name } } } } }`,
			params: map[string]string{"stakeholderId": "ID", "spaceId": "ID", "region": "String", "pillar": "Pillar", "status": "CommitmentStatus", "overdue": "Boolean"},
			columns: []column{{"Identifiant", "Id", text}, {"Pris le", "Made on", date}, {"Échéance", "Due on", date}, {"Partie prenante", "Stakeholder", text},
				{"Espace", "Space", text}, {"Engagement", "Commitment", text}, {"Pilier", "Pillar", text}, {"Statut", "Status", text},
				{"Avancement", "Progress", text}, {"Réglé le", "Settled on", date}, {"En retard", "Overdue", text}},
			rows: func(data map[string]any) ([][]cell, string) {
				var rows [][]cell
				for _, e := range asSlice(at(data, "commitments", "edges")) {
					n := at(e, "node")
					rows = append(rows, []cell{at(n, "id"), at(n, "madeOn"), at(n, "dueOn"), at(n, "stakeholder", "name"), at(n, "space", "name"),
						at(n, "text"), code(at(n, "pillar")), code(at(n, "status")), code(at(n, "progress")), at(n, "settledOn"), at(n, "overdue")})
				}
				return rows, nextPage(at(data, "commitments", "pageInfo"))
			}},
		"stakeholders": {
			query: `query($after: String, $region: String) { stakeholders(first: 100, after: $after, region: $region) {
			    pageInfo { hasNextPage endCursor } edges { node { id name type level region lastEngagedOn } } } }`,
			params: map[string]string{"region": "String"},
			columns: []column{{"Identifiant", "Id", text}, {"Nom", "Name", text}, {"Type", "Type", text}, {"Niveau", "Level", text},
				{"Région", "Region", text}, {"Dernier engagement", "Last engaged on", date}},
			rows: func(data map[string]any) ([][]cell, string) {
				var rows [][]cell
				for _, e := range asSlice(at(data, "stakeholders", "edges")) {
					n := at(e, "node")
					rows = append(rows, []cell{at(n, "id"), at(n, "name"), code(at(n, "type")), code(at(n, "level")), at(n, "region"), at(n, "lastEngagedOn")})
				}
				return rows, nextPage(at(data, "stakeholders", "pageInfo"))
			}},
	}
}

// at walks a decoded answer by keys.
func at(v any, path ...string) any {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	return v
}

func asSlice(v any) []any { l, _ := v.([]any); return l }

func nextPage(info any) string {
	if at(info, "hasNextPage") != true {
		return ""
	}
	s, _ := at(info, "endCursor").(string)
	return s
}

// joined lists values (or a field of each) in one cell.
func joined(v any, field string) cell {
	var parts []string
	for _, x := range asSlice(v) {
		if field != "" {
			x = at(x, field)
		}
		if s, ok := x.(string); ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// code turns an enum value back into its stored code: labels are applied
// when the table is written, in the export's language.
func code(v any) cell {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	return enumCode{s}
}

// enumCode is an enum value, written as its label.
type enumCode struct{ value string }

// enumLabels maps every enum value to its labels, French then English.
func enumLabels() map[string][2]string {
	out := map[string][2]string{}
	for _, v := range vocabularies() {
		for _, code := range v.Codes {
			out[enumValue(code)] = v.Labels[code]
		}
	}
	return out
}

// deploymentGroups are the excluded groups of the deployment's reference
// data, none when it has no list of them.
func (s *Server) deploymentGroups() []refdata.Entry {
	if s.deps.Handler == nil {
		return nil
	}
	if ref, ok := s.deps.Handler.Reference().(*refdata.Data); ok {
		return ref.Groups
	}
	return nil
}

// coveredRange says, in an inclusion export's first sheet, the dates and
// moment its figures cover, and whether they were widened to whole months.
func coveredRange(data map[string]any, lang string) [][]any {
	v := at(data, "inclusion")
	word := func(fr, en string) string { return map[string]string{"fr": fr, "en": en}[lang] }
	orAll := func(x any, fr, en string) any {
		if x == nil {
			return word(fr, en)
		}
		return x
	}
	lines := [][]any{{word("Période couverte", "Period covered"), orAll(at(v, "from"), "depuis le premier dialogue", "from the first dialogue"), orAll(at(v, "to"), "jusqu'au dernier", "to the last")},
		{word("Vu au", "As recorded at"), orAll(at(v, "asOf"), "maintenant", "now")}}
	if at(v, "widened") == true {
		lines = append(lines, []any{word("Dates élargies", "Dates widened"), word(
			"Les dates demandées ont été élargies aux mois entiers (et un « vu au » ramené au début de son mois) : ces chiffres sont des sommes de mois entiers.",
			"The dates asked were widened to whole months (and an \"as recorded at\" moved to the start of its month): these figures are sums of whole months.")})
	}
	return lines
}
