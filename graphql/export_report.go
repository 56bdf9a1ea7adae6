package graphql

import (
	"time"
)

// The donor report's export: GET /export/donorReport.xlsx (or .csv) lays
// the report out as a row per activity, indicator and year; .xml is its
// IATI activity file. Both run the public donorReport query for the
// caller, like every export, and both are stamped with the report's
// moment, not the clock: the same asOf gives the same file.

const reportQuery = `query($frameworkId: ID!, $asOf: String) { donorReport(frameworkId: $frameworkId, asOf: $asOf) { asOf figuresAsOf
  activities { partner { name } results { outcome { key title } result { key type title }
    indicators { indicator { key title measure references baseline { year value comment } }
      periods { year target { value comment } achievement actual { value withheld comment evidenceItems dimensions { name value count withheld } } } } } } } }`

// reportDimensions are the columns of an actual's parts: the rules'
// dimensions, by name and value.
var reportDimensions = []struct {
	name, value string
	col         column
}{
	{"SEX", "female", column{"Femmes", "Women", number}}, {"SEX", "male", column{"Hommes", "Men", number}},
	{"AGE", "15-35", column{"Jeunes (15–35 ans)", "Youth (15–35)", number}}, {"DISABILITY", "yes", column{"Personnes handicapées", "Persons with disabilities", number}},
}

func donorReportExport() export {
	columns := []column{{"Activité", "Activity", text}, {"Effet", "Outcome", text}, {"Résultat", "Result", text}, {"Type de résultat", "Result type", text},
		{"Indicateur (clé)", "Indicator (key)", text}, {"Indicateur", "Indicator", text}, {"Mesure", "Measure", text}, {"Codes du bailleur", "Donor codes", text},
		{"Année de référence", "Baseline year", number}, {"Valeur de référence", "Baseline", number}, {"Année", "Year", number}, {"Cible", "Target", number},
		{"Réalisé", "Actual", number}, {"Réalisé masqué", "Actual withheld", marker}, {"Atteinte (%)", "Achievement (%)", percent}}
	for _, d := range reportDimensions {
		columns = append(columns, d.col)
	}
	columns = append(columns, column{"Commentaire", "Comment", text}, column{"Pièces justificatives (nombre)", "Items of evidence", number})
	return export{query: reportQuery, params: map[string]string{"frameworkId": "ID", "asOf": "String"}, columns: columns,
		rows: func(data map[string]any) ([][]cell, string) { return reportRows(at(data, "donorReport")), "" },
		made: func(data map[string]any) time.Time {
			t, _ := time.Parse(time.RFC3339, str(at(data, "donorReport", "asOf")))
			return t
		},
		about: func(data map[string]any, lang string) [][]any {
			r := at(data, "donorReport")
			word := func(fr, en string) string { return map[string]string{"fr": fr, "en": en}[lang] }
			return [][]any{{word("Moment du rapport", "Report's moment"), at(r, "asOf")},
				{word("Chiffres d’inclusion tels qu’enregistrés au", "Inclusion figures as recorded at"), at(r, "figuresAsOf")}}
		},
		raw: map[string]rawExport{"xml": {contentType: "application/xml; charset=utf-8",
			query: `query($frameworkId: ID!, $asOf: String, $lang: String) { donorReport(frameworkId: $frameworkId, asOf: $asOf) { iati(language: $lang) } }`,
			body:  func(data map[string]any) []byte { return []byte(str(at(data, "donorReport", "iati"))) }}},
	}
}

// reportRows are a row per activity, indicator and year.
func reportRows(report any) [][]cell {
	var rows [][]cell
	for _, a := range asSlice(at(report, "activities")) {
		activity := at(a, "partner", "name")
		if activity == nil {
			activity = "Programme"
		}
		for _, r := range asSlice(at(a, "results")) {
			for _, in := range asSlice(at(r, "indicators")) {
				ind := at(in, "indicator")
				head := []cell{activity, joinedText(at(r, "outcome", "key"), at(r, "outcome", "title")), joinedText(at(r, "result", "key"), at(r, "result", "title")),
					code(at(r, "result", "type")), at(ind, "key"), at(ind, "title"), code(at(ind, "measure")), joined(at(ind, "references"), ""),
					at(ind, "baseline", "year"), at(ind, "baseline", "value")}
				for _, p := range asSlice(at(in, "periods")) {
					rows = append(rows, append(append([]cell{}, head...), periodCells(p)...))
				}
			}
		}
	}
	return rows
}

// periodCells are a year's target, actual, achievement, parts, comment
// and how many items of evidence support it: a report leaves the
// alliance, and its evidence is counted, never quoted
// (publish.Policy.DonorReport, the IATI file's rule).
func periodCells(p any) []cell {
	actual := at(p, "actual")
	out := []cell{at(p, "year"), at(p, "target", "value"), at(actual, "value"), at(actual, "withheld") == true, at(p, "achievement")}
	for _, d := range reportDimensions {
		var count cell
		for _, part := range asSlice(at(actual, "dimensions")) {
			if at(part, "name") == d.name && at(part, "value") == d.value {
				count = at(part, "count")
			}
		}
		out = append(out, count)
	}
	comment := at(actual, "comment")
	if comment == nil {
		comment = at(p, "target", "comment")
	}
	return append(out, comment, at(actual, "evidenceItems"))
}

func joinedText(key, title any) cell {
	if key == nil {
		return title
	}
	return str(key) + " — " + str(title)
}

func str(v any) string { s, _ := v.(string); return s }
