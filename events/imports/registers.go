package imports

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
)

// A register is a spreadsheet of participants, stakeholders or spaces, one
// per row, in a template palabre documents (docs/IMPORTS.md) and writes
// (`palabre form register KIND`). Its columns are the API's field names,
// its values the stored codes. A row's object has an id derived from its
// natural key (a participant's code; a stakeholder's level, region and
// name; a space's region and name) unless an id column names it, so a
// register imported again adds nothing and a changed row changes the
// object.

// Register describes one register's template.
type Register struct {
	Kind    string // participants, stakeholders, spaces
	Columns []Column
	plan    func(r Record, dir Directory) registerRow
}

// Column is one column of a register's template.
type Column struct {
	Name     string
	Required bool
	// Fr and En say what goes in it, for the template's notes.
	Fr, En string
}

// Registers are the templates palabre reads.
var Registers = []Register{
	{Kind: "participants", plan: planParticipant, Columns: []Column{
		{"code", true, "code pseudonyme, unique (ex. GAO-0042)", "pseudonymous code, unique (e.g. GAO-0042)"},
		{"sex", true, "female ou male", "female or male"},
		{"birthYear", false, "année de naissance (ou ageBand)", "year of birth (or ageBand)"},
		{"ageBand", false, strings.Join(participant.AgeBands, ", ") + " (ou birthYear)", strings.Join(participant.AgeBands, ", ") + " (or birthYear)"},
		{"displacement", true, strings.Join(participant.Displacements, ", "), strings.Join(participant.Displacements, ", ")},
		{"groups", false, "groupes exclus, séparés par des espaces", "excluded groups, separated by spaces"},
		{"region", true, "code de la région (ex. gao)", "the region's code (e.g. gao)"},
		{"locality", false, "localité", "locality"},
		{"constituency", false, "circonscription, quartier", "constituency, neighbourhood"},
		{"consent", true, "oui : la personne a donné son consentement éclairé", "yes: the person gave informed consent"},
		{"consentOn", true, "date du consentement (AAAA-MM-JJ)", "date of consent (YYYY-MM-DD)"},
		{"seeing", false, "Washington Group : " + strings.Join(participant.Difficulties, ", "), "Washington Group: " + strings.Join(participant.Difficulties, ", ")},
		{"hearing", false, "idem", "likewise"},
		{"walking", false, "idem", "likewise"},
		{"cognition", false, "idem", "likewise"},
		{"selfCare", false, "idem", "likewise"},
		{"communication", false, "idem", "likewise"},
		{"name", false, "nom : scellé à l’import, jamais écrit en clair", "name: sealed on import, never stored in clear"},
		{"phone", false, "téléphone : scellé de même", "phone: sealed likewise"},
	}},
	{Kind: "stakeholders", plan: planStakeholder, Columns: []Column{
		{"id", false, "identifiant palabre, pour modifier une partie prenante existante", "palabre id, to change an existing stakeholder"},
		{"name", true, "nom de l’institution ou de la fonction", "name of the institution or office"},
		{"type", true, strings.Join(stakeholder.Types, ", "), strings.Join(stakeholder.Types, ", ")},
		{"level", true, strings.Join(stakeholder.Levels, ", "), strings.Join(stakeholder.Levels, ", ")},
		{"region", false, "code de la région (obligatoire au niveau local ou régional)", "the region's code (required at local or regional level)"},
	}},
	{Kind: "spaces", plan: planSpace, Columns: []Column{
		{"id", false, "identifiant palabre, pour modifier un espace existant", "palabre id, to change an existing space"},
		{"name", true, "nom de l’espace", "the space's name"},
		{"kind", true, strings.Join(space.Kinds, ", "), strings.Join(space.Kinds, ", ")},
		{"region", true, "code de la région", "the region's code"},
		{"locality", false, "localité", "locality"},
		{"pillar", true, "security, justice ou inclusion", "security, justice or inclusion"},
		{"establishedOn", true, "date de création (AAAA-MM-JJ)", "date established (YYYY-MM-DD)"},
	}},
}

// RegisterOf finds the register a table is: one whose every required
// column it has, and that is not a form's export.
func RegisterOf(t Table) (Register, bool) {
	if t.column("_uuid") >= 0 || t.column("instanceID") >= 0 || t.column("KEY") >= 0 {
		return Register{}, false
	}
	for _, reg := range Registers {
		has := true
		for _, c := range reg.Columns {
			has = has && (!c.Required || t.column(c.Name) >= 0)
		}
		if has {
			return reg, true
		}
	}
	return Register{}, false
}

// planRegister plans every row of a register; a code on two rows of one
// region is refused on the second.
func planRegister(reg Register, t *Table, dir Directory) []Row {
	rows := make([]Row, 0, len(t.Rows))
	seen := map[string]int{}
	for i, cells := range t.Rows {
		r := Record{Sheet: t.Name, Row: i + 2, table: t, cells: cells}
		row := reg.plan(r, dir)
		if key := row.region + "\x00" + strings.ToUpper(row.key); row.key != "" {
			if first, dup := seen[key]; dup {
				row.problem("code", "%s is on row %d too", row.key, first)
			} else {
				seen[key] = r.Row
			}
		}
		rows = append(rows, row)
	}
	return rows
}

// registerRow is one line of a register: one command, decided first, then
// written.
type registerRow struct {
	rec      Record
	key      string // a participant's code, to find it twice in a file
	region   string // the key's region: codes are unique per region
	problems []Problem
	column   string // the column a refusal without a field names
	// idField is the command's field for the object's id, which the
	// register heads "id": a refusal naming it names that column.
	idField string
	exec    func(ctx context.Context, send Sender, dry bool) (Outcome, error)
}

func (r registerRow) Where() Record      { return r.rec }
func (r registerRow) Planned() []Problem { return r.problems }

func (r *registerRow) problem(column, format string, args ...any) {
	var d domain.Problems
	d.Add(column, format, args...)
	r.problems = append(r.problems, Problem{Sheet: r.rec.Sheet, Row: r.rec.Row, Column: column, Problem: d[0]})
}

func (r registerRow) run(ctx context.Context, _ *commands.Handler, send Sender, opts Options) (Outcome, []Problem, error) {
	outcome, err := r.exec(ctx, send, true)
	if problems, err := r.refusal(err); problems != nil || err != nil || opts.DryRun || outcome == Already {
		return outcome, problems, err
	}
	outcome, err = r.exec(ctx, send, false)
	problems, err := r.refusal(err)
	return outcome, problems, err
}

// refusal is the row's problems, at the register's own columns.
func (r registerRow) refusal(err error) ([]Problem, error) {
	problems, err := refusal(err, r.rec, r.column)
	for i := range problems {
		if r.idField != "" && problems[i].Column == r.idField {
			problems[i].Column = "id"
		}
	}
	return problems, err
}

// outcomeOf says what a command did: nothing new, a check passed, a new
// object, or a change.
func outcomeOf[E any](res commands.Result[E], dry, creates bool) Outcome {
	switch {
	case res.Repeated || len(res.Events) == 0:
		return Already
	case dry:
		return Checked
	case creates:
		return Imported
	}
	return Corrected
}

// planParticipant plans a participant's line: an enrolment under an id
// derived from the region and code, or a correction of the participant
// who has the code in the region.
// The name and phone go to the key store only, sealed; a participant
// already enrolled keeps theirs (a register is not how names are changed).
func planParticipant(r Record, dir Directory) registerRow {
	region := dir.region(r.Get("region"))
	row := registerRow{rec: r, key: r.Get("code"), region: region, column: "region"}
	pr := participant.Profile{Code: r.Get("code"), Sex: r.Get("sex"), AgeBand: r.Get("ageBand"), Displacement: r.Get("displacement"),
		Groups: strings.FieldsFunc(r.Get("groups"), func(c rune) bool { return c == ' ' || c == ',' || c == ';' }),
		Region: region, Locality: r.Get("locality"), Constituency: r.Get("constituency"),
		Functioning: participant.Functioning{Seeing: r.Get("seeing"), Hearing: r.Get("hearing"), Walking: r.Get("walking"),
			Cognition: r.Get("cognition"), SelfCare: r.Get("selfCare"), Communication: r.Get("communication")}}
	if v := r.Get("birthYear"); v != "" {
		year, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
		if err != nil {
			row.problem("birthYear", "%q is not a whole number", v)
		}
		pr.BirthYear = year
	}
	consentOn := row.date("consentOn")
	existing, found, ambiguous := dir.Codes(pr.Region, pr.Code)
	switch {
	case ambiguous:
		row.problem("code", "the code %s is held by two participants: correct one of them first", pr.Code)
	case found:
		cmd := participant.CorrectProfile{Profile: pr}
		commandID := derive(consentOn.Time(), "participant correction", existing.String(), fingerprint(cmd))
		row.exec = func(ctx context.Context, send Sender, dry bool) (Outcome, error) {
			res, err := send.Send(ctx, existing, cmd, meta(commandID, dry), nil)
			return outcomeOf(res, dry, false), err
		}
	default:
		cmd := participant.Enrol{Profile: pr, Consent: participant.Consent{Given: yes(r.Get("consent")), On: consentOn}}
		who := keystore.Identity{Name: r.Get("name"), Phone: r.Get("phone")}
		id := participantID(dir.Key, pr.Region, pr.Code)
		row.exec = func(ctx context.Context, send Sender, dry bool) (Outcome, error) {
			res, err := send.Send(ctx, id, cmd, meta(id, dry), &who)
			return outcomeOf(res, dry, true), err
		}
	}
	return row
}

// planStakeholder plans a stakeholder's line.
func planStakeholder(r Record, dir Directory) registerRow {
	row := registerRow{rec: r, column: "region", idField: "stakeholderId"}
	pr := stakeholder.Profile{Name: r.Get("name"), Type: r.Get("type"), Level: r.Get("level"), Region: dir.region(r.Get("region"))}
	id, named := row.idOr(time.Time{}, "stakeholder", pr.Level, pr.Region, strings.ToUpper(pr.Name))
	row.exec = createOrChange(id, named, stakeholder.Register{Profile: pr}, stakeholder.ChangeDetails{Profile: pr})
	return row
}

// planSpace plans a space's line.
func planSpace(r Record, dir Directory) registerRow {
	row := registerRow{rec: r, column: "region", idField: "spaceId"}
	d := space.Details{Name: r.Get("name"), Kind: r.Get("kind"), Region: dir.region(r.Get("region")), Locality: r.Get("locality"), Pillar: r.Get("pillar")}
	on := row.date("establishedOn")
	id, named := row.idOr(on.Time(), "space", d.Region, strings.ToUpper(d.Name))
	row.exec = createOrChange(id, named, space.Establish{Details: d, EstablishedOn: on}, space.ChangeDetails{Details: d})
	return row
}

// createOrChange creates an object under its id, or changes the one
// there: a creation whose id already names an object (ErrCommandIDReused)
// is made a change, under a command id derived from what it changes. An id
// the row names (named) is only ever changed: were an id nobody has
// created, it would answer otherwise than the id of an object the importer
// may not see, which the policy refuses as missing.
func createOrChange(id domain.ID, named bool, create, change domain.Command) func(context.Context, Sender, bool) (Outcome, error) {
	changeID := derive(id.Timestamp(), "change", id.String(), fingerprint(change))
	return func(ctx context.Context, send Sender, dry bool) (Outcome, error) {
		if named {
			res, err := send.Send(ctx, id, change, meta(changeID, dry), nil)
			return outcomeOf(res, dry, false), err
		}
		res, err := send.Send(ctx, id, create, meta(id, dry), nil)
		if errors.Is(err, commands.ErrCommandIDReused) {
			res, err = send.Send(ctx, id, change, meta(changeID, dry), nil)
			return outcomeOf(res, dry, false), err
		}
		return outcomeOf(res, dry, true), err
	}
}

// idOr is the object's id from the row's id column (named), or derived
// from its natural key.
func (r *registerRow) idOr(at time.Time, parts ...string) (id domain.ID, named bool) {
	if v := r.rec.Get("id"); v != "" {
		id, err := domain.ParseID("id", v)
		if err != nil {
			r.problem("id", "%q is not a palabre id: leave it empty for a new one", v)
		}
		return id, true
	}
	return derive(at, parts...), false
}

func (r *registerRow) date(column string) domain.Date {
	v := r.rec.Get(column)
	if v == "" {
		return domain.Date{}
	}
	d, err := domain.ParseDate(firstDate(v))
	if err != nil {
		r.problem(column, "%q is not a date (YYYY-MM-DD)", v)
	}
	return d
}

// fingerprint identifies a command's content, for the id of a change.
func fingerprint(cmd any) string {
	b, _ := json.Marshal(cmd)
	return fmt.Sprintf("%x", sha256.Sum256(b))
}
