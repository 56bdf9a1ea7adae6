package forms

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/xuri/excelize/v2"
)

func lists() Lists {
	one := func(name string) []Choice { return []Choice{{Name: name, French: "fr " + name, English: "en " + name}} }
	return Lists{ListSpace: one("01J0SPACE"), ListStakeholder: one("01J0HOLDER"), ListFormat: one("community-dialogue"),
		ListPillar: one("security"), ListConcern: one("justice"), ListYesNo: {{Name: "yes"}, {Name: "no"}},
		ListSex: one("female"), ListAgeBand: one("18-24"), ListDisplacement: one("none"), ListGroup: one("pastoralists")}
}

// TestTheFormHasWhatTheXLSFormSpecificationRequires parses the written
// form back and checks it against the XLSForm specification's required
// sheets and columns, and the rules servers apply: every select names a
// list with choices, names are unique, groups and repeats close, every
// ${field} a constraint names exists, labels in French and English.
func TestTheFormHasWhatTheXLSFormSpecificationRequires(t *testing.T) {
	b, err := Write(lists(), time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	book, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	read := func(sheet string) (map[string]int, [][]string) {
		rows, err := book.GetRows(sheet)
		if err != nil || len(rows) < 2 {
			t.Fatalf("sheet %s: %v, %d rows", sheet, err, len(rows))
		}
		cols := map[string]int{}
		for i, h := range rows[0] {
			cols[h] = i
		}
		return cols, rows[1:]
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	survey, questions := read("survey")
	for _, c := range []string{"type", "name", "label::French (fr)", "label::English (en)", "required", "constraint"} {
		if _, ok := survey[c]; !ok {
			t.Errorf("survey lacks the column %s", c)
		}
	}
	choices, answers := read("choices")
	for _, c := range []string{"list_name", "name", "label::French (fr)", "label::English (en)"} {
		if _, ok := choices[c]; !ok {
			t.Errorf("choices lacks the column %s", c)
		}
	}
	settings, set := read("settings")
	if cell(set[0], settings["form_id"]) != FormID || cell(set[0], settings["version"]) != "2026120210" || cell(set[0], settings["default_language"]) != "French (fr)" {
		t.Errorf("settings: %v", set)
	}
	hasList := map[string]bool{}
	for _, a := range answers {
		hasList[cell(a, choices["list_name"])] = true
	}
	names := map[string]bool{}
	depth := 0
	for _, r := range questions {
		kind, name := cell(r, survey["type"]), cell(r, survey["name"])
		switch {
		case kind == "begin_group" || kind == "begin_repeat":
			depth++
		case kind == "end_group" || kind == "end_repeat":
			depth--
			continue
		}
		if names[name] {
			t.Errorf("the name %s twice", name)
		}
		names[name] = true
		if k, list, ok := strings.Cut(kind, " "); ok && (k == "select_one" || k == "select_multiple") && !hasList[list] {
			t.Errorf("%s names the list %s, which has no choice", name, list)
		}
		if kind != "start" && kind != "end" && (cell(r, survey["label::French (fr)"]) == "" || cell(r, survey["label::English (en)"]) == "") {
			t.Errorf("%s lacks a label in French or English", name)
		}
	}
	if depth != 0 {
		t.Errorf("groups and repeats left open: %d", depth)
	}
	ref := regexp.MustCompile(`\$\{(\w+)\}`)
	for _, r := range questions {
		for _, m := range ref.FindAllStringSubmatch(cell(r, survey["constraint"]), -1) {
			if !names[m[1]] {
				t.Errorf("%s's constraint names ${%s}, which is no question", cell(r, survey["name"]), m[1])
			}
		}
	}
	for _, want := range []string{"spaceId", "heldOn", "format", "pillar", "participantCode", "youngWomen", "withDisabilities", "stakeholderIds", "category", "stakeholderId", "text", "dueOn"} {
		if !names[want] {
			t.Errorf("no question %s", want)
		}
	}
}

// A list of the viewer's left empty (no space of their regions yet) is
// refused naming the question, in each language, for a person to act on;
// a list that servers would reject otherwise is refused as a fault.
func TestAFormWithoutChoicesIsRefusedSayingWhich(t *testing.T) {
	l := lists()
	delete(l, ListSpace)
	_, err := Write(l, time.Now())
	var empty *domain.Problems
	if !errors.As(err, &empty) || (*empty)[0].Field != "spaceId" ||
		!strings.Contains((*empty)[0].In("fr"), "rien à choisir pour « Espace de concertation »") ||
		!strings.Contains((*empty)[0].In("en"), "nothing to choose from for “Consultative space”") {
		t.Fatalf("no space: %v", err)
	}
	l = lists()
	l[ListPillar] = append(l[ListPillar], Choice{Name: "security"})
	if _, err := Write(l, time.Now()); err == nil || !strings.Contains(err.Error(), `"security" twice`) {
		t.Fatalf("a choice twice: %v", err)
	}
}
