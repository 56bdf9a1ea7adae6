package imports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/imports"
)

func TestAMappingRefusesWhatItDoesNotKnow(t *testing.T) {
	for text, want := range map[string]string{
		"colums: {heldOn: date}":         "mapping.colums: line 1: a mapping has no such key (its keys: attendees, columns, defaults, repeats, values)",
		"columns: {heldAt: date}":        "columns.heldAt: palabre has no such field",
		"values: {nonsense: {a: b}}":     "mapping.values.nonsense: palabre has no such field",
		"defaults: {nonsense: x}":        "mapping.defaults.nonsense: palabre has no such field",
		"repeats: {presences: attendes}": `repeats.presences: "attendes" is not one of`,
		"attendees: names":               `attendees: "names" is neither code nor headcount`,
		"columns: 42":                    "mapping.columns: line 1: pairs of words are expected here",
		"defaults: {spaceId: {a: 1}}":    "mapping.defaults: line 1: pairs of words are expected here",
		"values: {pillar: fishing}":      "mapping.values: line 1: for each field, pairs of words",
		"attendees: [code]":              "mapping.attendees: line 1: one word is expected here",
		"- columns":                      "mapping: line 1: a mapping holds keys",
		"":                               "the mapping is empty",
		`{"columns": [1, 2}`:             "not YAML or JSON",
		"columns: {heldOn: a}\ncolumns: {heldOn: b}": `mapping: the mapping is not YAML or JSON palabre reads: yaml: unmarshal errors:
  line 2: mapping key "columns" already defined at line 1`,
	} {
		_, err := imports.ParseMapping([]byte(text))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "imports.Mapping") || strings.Contains(err.Error(), "!!") {
			t.Errorf("%s: %v, want %q, in words a person reads", text, err, want)
		}
	}
}

func TestAMappingRewritesAnotherFormsExport(t *testing.T) {
	m, err := imports.ParseMapping([]byte(`
columns: {heldOn: date_reunion, participantCode: code_pers}
values: {pillar: {Sécurité: security}, stakeholderIds: {gouv: G1, mairie: M1}}
defaults: {format: workshop, pillar: justice}
repeats: {presences: attendees}
`))
	if err != nil {
		t.Fatal(err)
	}
	main, _ := imports.ReadCSV("fiche.csv", strings.NewReader("_uuid,groupe/date_reunion,pillar,stakeholderIds\nu1,2026-03-02,SECURITE,gouv mairie\nu2,2026-03-03,,\n"))
	repeat, _ := imports.ReadCSV("fiche-presences.csv", strings.NewReader("code_pers,_submission__uuid\nGAO-1,u1\n"))
	subs, err := imports.Submissions(m.Apply([]imports.Table{main, repeat}))
	if err != nil {
		t.Fatal(err)
	}
	first, second := subs[0], subs[1]
	if first.Get("heldOn") != "2026-03-02" || first.Get("pillar") != "security" || first.Get("format") != "workshop" ||
		strings.Join(first.Multiple("stakeholderIds"), " ") != "G1 M1" || second.Get("pillar") != "justice" {
		t.Fatalf("rewritten: heldOn %q pillar %q/%q format %q stakeholders %v", first.Get("heldOn"), first.Get("pillar"), second.Get("pillar"),
			first.Get("format"), first.Multiple("stakeholderIds"))
	}
	if a := first.Repeats["attendees"]; len(a) != 1 || a[0].Get("participantCode") != "GAO-1" {
		t.Fatalf("the attendees' repeat: %+v", first.Repeats)
	}
	// A report names a column as the export heads it, not as the mapping renamed it.
	if got := first.Header("heldOn") + " " + first.Repeats["attendees"][0].Header("participantCode") + " " + first.Header("format"); got != "groupe/date_reunion code_pers format" {
		t.Errorf("the columns a report names: %s", got)
	}
	headcount, _ := imports.ParseMapping([]byte("{repeats: {presences: attendees}, attendees: headcount}"))
	if subs, _ := imports.Submissions(headcount.Apply([]imports.Table{main, repeat})); len(subs[0].Repeats["attendees"]) != 0 {
		t.Fatal("a headcount-only mapping kept the attendees")
	}
}

func TestEachRegistersTemplateReadsBackAsThatRegister(t *testing.T) {
	for _, reg := range imports.Registers {
		b, err := reg.Template()
		if err != nil {
			t.Fatal(err)
		}
		tables, err := imports.ReadXLSX(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := imports.RegisterOf(tables[0]); !ok || got.Kind != reg.Kind || tables[1].Name != "notes" || len(tables[1].Rows) != len(reg.Columns) {
			t.Fatalf("%s's template reads as %q (%v), %d notes", reg.Kind, got.Kind, ok, len(tables[1].Rows))
		}
	}
}

// A file of headers alone, a register's or a form's, is refused saying so:
// it was planned as no row, and its import reported nothing, as if all
// had gone well.
func TestAFileOfHeadersAloneIsRefused(t *testing.T) {
	dir := imports.Directory{Key: []byte("a key")}
	for name, text := range map[string]string{"participants.csv": "code,sex,displacement,region,consent,consentOn,ageBand\n", "export.csv": "_uuid,dialogue/spaceId,dialogue/heldOn\n"} {
		_, err := imports.Plans(name, []byte(text), dir, nil)
		if err == nil || !strings.Contains(err.Error(), name+" has its headers but no row under them") {
			t.Errorf("%s of headers alone: %v", name, err)
		}
	}
}
