// Package forms writes the XLSForm palabre ships — "Dialogue
// communautaire : présence et engagements" — which KoboToolbox and ODK
// Central accept, so that field teams keep the phones and forms they know.
// Its choice lists come from the deployment (its vocabulary, regions and
// excluded groups, the spaces and stakeholders the requester may see), so
// the form matches the server it came from, and its exports import with
// no mapping: its field names are the API's.
package forms

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/palabre/palabre/events/domain"
)

// Choice is one answer of a list: its stored name and its labels.
type Choice struct {
	Name, French, English string
}

// Lists are the form's choice lists, by list name: the vocabularies
// (format, pillar, concern, yes_no…) and the deployment's spaces and
// stakeholders. Every list the survey names must be here.
type Lists map[string][]Choice

// Lists the survey names.
const (
	ListSpace       = "space"
	ListStakeholder = "stakeholder"
	ListFormat      = "dialogue_format"
	ListPillar      = "pillar"
	ListConcern     = "concern_category"
	ListYesNo       = "yes_no"
	// A new attendee's profile, enrolled by the import.
	ListSex          = "sex"
	ListAgeBand      = "age_band"
	ListDisplacement = "displacement"
	ListGroup        = "excluded_group"
)

// Columns of the survey and choices sheets, in the XLSForm spelling of
// multilingual columns ("label::French (fr)").
var (
	surveyColumns = []string{"type", "name", "label::French (fr)", "label::English (en)", "hint::French (fr)", "hint::English (en)",
		"required", "constraint", "constraint_message::French (fr)", "constraint_message::English (en)", "relevant", "appearance", "default"}
	choiceColumns   = []string{"list_name", "name", "label::French (fr)", "label::English (en)"}
	settingsColumns = []string{"form_title", "form_id", "version", "default_language", "instance_name"}
)

// FormID names the form: imports recognise its exports by it.
const FormID = "palabre_dialogue"

// row is one survey row, by column.
type row map[string]string

func q(kind, name, fr, en string, more ...string) row {
	r := row{"type": kind, "name": name, "label::French (fr)": fr, "label::English (en)": en}
	for i := 0; i+1 < len(more); i += 2 {
		r[more[i]] = more[i+1]
	}
	return r
}

// newAttendee makes the profile's questions relevant to a person not yet
// enrolled only.
const newAttendee = "${newParticipant} = 'yes'"

// headcountRule keeps a subset of the unregistered headcount within its
// total, as the web app and the domain do.
const headcountRule = ". <= ${youngWomen} + ${adultWomen} + ${youngMen} + ${adultMen}"

// survey is the form's questions, with palabre's own field names so that
// an export maps to commands by name.
func survey() []row {
	count := func(name, fr, en string, extra ...string) row {
		r := q("integer", name, fr, en, "required", "yes", "default", "0", "constraint", ". >= 0",
			"constraint_message::French (fr)", "Un nombre positif ou nul", "constraint_message::English (en)", "Zero or more")
		for i := 0; i+1 < len(extra); i += 2 {
			r[extra[i]] = extra[i+1]
		}
		return r
	}
	subset := func(name, fr, en string) row {
		return count(name, fr, en, "constraint", headcountRule,
			"constraint_message::French (fr)", "Ne peut pas dépasser le total des non-inscrits", "constraint_message::English (en)", "Cannot exceed the unregistered total")
	}
	return []row{
		q("start", "start", "", ""),
		q("end", "end", "", ""),
		q("begin_group", "dialogue", "Le dialogue", "The dialogue"),
		q("select_one "+ListSpace, "spaceId", "Espace de concertation", "Consultative space", "required", "yes"),
		q("date", "heldOn", "Date", "Date", "required", "yes", "constraint", ". <= today()",
			"constraint_message::French (fr)", "Pas de date dans le futur", "constraint_message::English (en)", "Not in the future"),
		q("select_one "+ListFormat, "format", "Format", "Format", "required", "yes"),
		q("select_one "+ListPillar, "pillar", "Pilier", "Pillar", "required", "yes"),
		q("text", "title", "Intitulé (facultatif)", "Title (optional)"),
		q("text", "topics", "Thèmes (séparés par des virgules)", "Topics (comma-separated)"),
		q("text", "locality", "Localité", "Locality"),
		q("text", "language", "Langue", "Language"),
		q("integer", "durationMinutes", "Durée (minutes)", "Duration (minutes)", "constraint", ". >= 0 and . <= 10080"),
		q("end_group", "", "", ""),
		q("begin_repeat", "attendees", "Participant·es inscrit·es", "Registered participants"),
		q("text", "participantCode", "Code du/de la participant·e", "Participant code", "required", "yes",
			"constraint", "regex(., '^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$')",
			"hint::French (fr)", "Le code, jamais le nom (ex. GAO-0042)", "hint::English (en)", "The code, never the name (e.g. GAO-0042)",
			"constraint_message::French (fr)", "1 à 40 lettres, chiffres, - ou _", "constraint_message::English (en)", "1–40 letters, digits, - or _"),
		q("select_one "+ListYesNo, "spoke", "A pris la parole", "Spoke", "required", "yes", "default", "no"),
		// A person not yet enrolled: the import enrols them under the
		// code with this profile, never a name (names are added in palabre).
		q("select_one "+ListYesNo, "newParticipant", "Pas encore inscrit·e", "Not yet enrolled", "required", "yes", "default", "no",
			"hint::French (fr)", "Oui : la personne sera inscrite sous ce code à l’import", "hint::English (en)", "Yes: the import enrols the person under this code"),
		q("select_one "+ListSex, "sex", "Sexe", "Sex", "required", "yes", "relevant", newAttendee),
		q("select_one "+ListAgeBand, "ageBand", "Tranche d’âge", "Age band", "required", "yes", "relevant", newAttendee),
		q("select_one "+ListDisplacement, "displacement", "Situation de déplacement", "Displacement", "required", "yes", "relevant", newAttendee),
		q("select_multiple "+ListGroup, "groups", "Groupes exclus (facultatif)", "Excluded groups (optional)", "relevant", newAttendee, "appearance", "minimal"),
		q("select_one "+ListYesNo, "consent", "Consentement éclairé donné", "Informed consent given", "required", "yes", "relevant", newAttendee,
			"constraint", ". = 'yes'", "constraint_message::French (fr)", "On n’inscrit une personne qu’avec son consentement", "constraint_message::English (en)", "A person is enrolled only with their consent"),
		q("end_repeat", "", "", ""),
		q("begin_group", "headcount", "Personnes présentes non inscrites", "Unregistered attendees"),
		count("youngWomen", "Femmes jeunes (15–35 ans)", "Young women (15–35)"),
		count("adultWomen", "Femmes adultes", "Adult women"),
		count("youngMen", "Hommes jeunes (15–35 ans)", "Young men (15–35)"),
		count("adultMen", "Hommes adultes", "Adult men"),
		subset("withDisabilities", "dont personnes handicapées", "of whom persons with disabilities"),
		subset("displaced", "dont personnes déplacées", "of whom displaced"),
		q("end_group", "", "", ""),
		q("select_multiple "+ListStakeholder, "stakeholderIds", "Parties prenantes présentes", "Stakeholders present", "appearance", "minimal"),
		q("begin_repeat", "concerns", "Préoccupations soulevées", "Concerns raised"),
		q("select_one "+ListConcern, "category", "Préoccupation", "Concern", "required", "yes"),
		q("text", "summary", "Résumé (facultatif)", "Summary (optional)"),
		q("end_repeat", "", "", ""),
		q("begin_repeat", "commitments", "Engagements pris pendant la rencontre", "Commitments made at the meeting"),
		q("select_one "+ListStakeholder, "stakeholderId", "Partie prenante", "Stakeholder", "required", "yes"),
		q("text", "text", "Engagement", "Commitment", "required", "yes"),
		q("date", "dueOn", "Échéance (facultative)", "Due date (optional)"),
		q("end_repeat", "", "", ""),
	}
}

// questions is the survey for these lists: an optional choice among none
// (a deployment without excluded groups) is left out.
func questions(lists Lists) []row {
	var out []row
	for _, r := range survey() {
		kind, list, _ := strings.Cut(r["type"], " ")
		if (kind == "select_one" || kind == "select_multiple") && len(lists[list]) == 0 && r["required"] != "yes" {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Write writes the XLSForm with these lists, versioned by the moment.
func Write(lists Lists, now time.Time) ([]byte, error) {
	if err := check(lists); err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "survey"); err != nil {
		return nil, err
	}
	rows := make([][]string, 0, 64)
	for _, r := range questions(lists) {
		line := make([]string, len(surveyColumns))
		for i, c := range surveyColumns {
			line[i] = r[c]
		}
		rows = append(rows, line)
	}
	if err := sheet(f, "survey", surveyColumns, rows); err != nil {
		return nil, err
	}
	rows = rows[:0]
	for _, name := range listOrder(lists) {
		for _, c := range lists[name] {
			rows = append(rows, []string{name, c.Name, c.French, c.English})
		}
	}
	if err := sheet(f, "choices", choiceColumns, rows); err != nil {
		return nil, err
	}
	settings := [][]string{{"Dialogue communautaire : présence et engagements", FormID, now.UTC().Format("2006010215"), "French (fr)",
		"concat(${heldOn}, ' — ', jr:choice-name(${spaceId}, '${spaceId}'))"}}
	if err := sheet(f, "settings", settingsColumns, settings); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func sheet(f *excelize.File, name string, headings []string, rows [][]string) error {
	if idx, _ := f.GetSheetIndex(name); idx < 0 {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, r := range append([][]string{headings}, rows...) {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// listOrder is the lists the survey names, then any other, by name.
func listOrder(lists Lists) []string {
	order := []string{ListSpace, ListStakeholder, ListFormat, ListPillar, ListConcern, ListYesNo}
	for name := range lists {
		if !contains(order, name) {
			order = append(order, name)
		}
	}
	return order
}

// check refuses lists that would make a form servers reject: a list the
// survey names missing or empty, a choice name with a space or twice.
//
// A list of the viewer's (their spaces, their stakeholders) left empty is
// a *domain.Problems naming the question, for a door to tell its reader
// in their language: none established yet, a form cannot be made.
func check(lists Lists) error {
	var empty domain.Problems
	for _, r := range questions(lists) {
		kind, list, ok := strings.Cut(r["type"], " ")
		if !ok || (kind != "select_one" && kind != "select_multiple") {
			continue
		}
		if len(lists[list]) == 0 {
			empty.Add(r["name"], "nothing to choose from for “%s” yet: the form needs at least one, which an administrator adds", label{r["label::French (fr)"], r["label::English (en)"]})
		}
	}
	if err := empty.Err(); err != nil {
		return err
	}
	var problems []string
	for name, choices := range lists {
		seen := map[string]bool{}
		for _, c := range choices {
			switch {
			case c.Name == "" || strings.ContainsAny(c.Name, " \t\n"):
				problems = append(problems, fmt.Sprintf("list %s: choice name %q must be one word", name, c.Name))
			case seen[c.Name]:
				problems = append(problems, fmt.Sprintf("list %s: choice %q twice", name, c.Name))
			}
			seen[c.Name] = true
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("xlsform: %s", strings.Join(problems, "; "))
	}
	return nil
}

// label is a question's label, said in the reader's language.
type label struct{ fr, en string }

func (l label) In(language string) string {
	if language == "fr" {
		return l.fr
	}
	return l.en
}

// String is the English, as a Problem's Reason is written.
func (l label) String() string { return l.en }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
