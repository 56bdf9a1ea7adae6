package graphql

import (
	"strings"

	"github.com/palabre/palabre/graphql/read"
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
	`youth { ...M } youngWomen { ...M } youngMen { ...M } ageUnknown { ...M } personsWithDisabilities { ...M } displaced { ...M } } ` +
	`fragment M on Measure { count share suppressed }`

// figureCells lays out one InclusionFigures answer in figureColumns.
func figureCells(f any) []cell {
	var out []cell
	for _, m := range read.MeasureNames {
		out = append(out, at(f, m, "count"), at(f, m, "share"), at(f, m, "suppressed") == true)
	}
	return out
}

func (s *Server) exports() map[string]export {
	return map[string]export{
		"inclusion": {
			query: `query($spaceId: ID, $region: String, $pillar: Pillar, $from: Date, $to: Date, $bucket: Bucket, $asOf: String) {
			  inclusion(spaceId: $spaceId, region: $region, pillar: $pillar, from: $from, to: $to, bucket: $bucket, asOf: $asOf) {
			    rows { from to figures { ...F } } total { ...F } } } ` + figureFragment,
			params:  map[string]string{"spaceId": "ID", "region": "String", "pillar": "Pillar", "from": "Date", "to": "Date", "bucket": "Bucket", "asOf": "String"},
			columns: append([]column{{"Du", "From", date}, {"Au", "To", date}, {"Dialogues", "Dialogues", number}}, figureColumns...),
			rows: func(data map[string]any) ([][]cell, string) {
				var rows [][]cell
				for _, r := range asSlice(at(data, "inclusion", "rows")) {
					rows = append(rows, append([]cell{at(r, "from"), at(r, "to"), at(r, "figures", "dialogues")}, figureCells(at(r, "figures"))...))
				}
				total := at(data, "inclusion", "total")
				rows = append(rows, append([]cell{"Total", nil, at(total, "dialogues")}, figureCells(total)...))
				return rows, ""
			}},
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
		for _, code := range v.codes {
			out[enumValue(code)] = v.labels[code]
		}
	}
	return out
}
