package graphql

import (
	"fmt"
	"maps"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// The mutations' inputs are written for the API, and each is mapped to
// its domain command by hand (decode): renaming a Go field or type never
// changes the API, and the API may name things its own way. Field names
// follow the domain's where they mean the same, so that a decider's
// refusal ("headcount.youngMen") names the input's field.

// inputField is one field of an input object.
type inputField struct {
	name string
	typ  gql.Input
	desc string
	// zero is the value an absent field takes, where it has one.
	zero any
}

func inputObject(name, desc string, fields ...inputField) *gql.InputObject {
	m := gql.InputObjectConfigFieldMap{}
	for _, f := range fields {
		m[f.name] = &gql.InputObjectFieldConfig{Type: f.typ, Description: f.desc, DefaultValue: f.zero}
	}
	return gql.NewInputObject(gql.InputObjectConfig{Name: name, Description: desc, Fields: m})
}

func required(t gql.Input) gql.Input { return gql.NewNonNull(t) }
func listOfIn(t gql.Input) gql.Input { return gql.NewList(gql.NewNonNull(t)) }

// commandInput is a mutation's input type and how its value becomes the
// domain's command.
type commandInput struct {
	typ    *gql.InputObject
	decode func(r inputValues) any
}

// commandInputs are every mutation's, by mutation name.
func (b *builder) commandInputs() map[string]commandInput {
	inputs := map[string]commandInput{}
	for _, of := range []func() map[string]commandInput{b.spaceInputs, b.stakeholderInputs, b.participantInputs, b.dialogueInputs, b.commitmentInputs, b.outcomeInputs, b.frameworkInputs} {
		maps.Copy(inputs, of())
	}
	return inputs
}

// spaceInputs are the inputs of the space's commands.
func (b *builder) spaceInputs() map[string]commandInput {
	e := b.enums
	date, id, text := gql.Input(dateType), gql.Input(gql.ID), gql.Input(gql.String)
	details := []inputField{
		{"name", required(text), "Its name, e.g. \"Comité consultatif de sécurité de Gao\".", nil},
		{"kind", required(e["SpaceKind"]), "", nil},
		{"region", required(text), "A region of the deployment (Query.vocabulary, Region): its code, or its name or a label, recorded as its code.", nil},
		{"locality", text, "The commune or village.", nil},
		{"pillar", required(e["Pillar"]), "", nil},
		{"convenorId", id, "The registered stakeholder that convenes it.", nil},
	}
	targets := inputObject("TargetsInput", "Inclusion targets in percent of attendance (0–100); a target left out is not set, except women's, which defaults to 30 (0 follows none).",
		inputField{"women", gql.Float, "", nil}, inputField{"youth", gql.Float, "", nil},
		inputField{"disability", gql.Float, "", nil}, inputField{"displaced", gql.Float, "", nil})
	detailsInput := inputObject("SpaceDetailsInput", "A space's details.", details...)
	return map[string]commandInput{
		"establishSpace": {inputObject("EstablishSpaceInput", "A new consultative space.", append(details,
			inputField{"establishedOn", required(date), "", nil}, inputField{"targets", targets, "", nil})...),
			func(r inputValues) any {
				c := space.Establish{Details: spaceDetails(r), EstablishedOn: r.date("establishedOn")}
				if r.has("targets") {
					t := spaceTargets(r.object("targets"))
					c.Targets = &t
				}
				return c
			}},
		"changeSpaceDetails": {detailsInput, func(r inputValues) any { return space.ChangeDetails{Details: spaceDetails(r)} }},
		"setSpaceTargets": {inputObject("SetTargetsInput", "A space's targets.", inputField{"targets", required(targets), "", nil}),
			func(r inputValues) any { return space.SetTargets{Targets: spaceTargets(r.object("targets"))} }},
		"closeSpace": {inputObject("CloseSpaceInput", "The closing of a space.", inputField{"closedOn", required(date), "", nil}, inputField{"reason", text, "", nil}),
			func(r inputValues) any { return space.Close{ClosedOn: r.date("closedOn"), Reason: r.str("reason")} }},
	}
}

// stakeholderInputs are the inputs of the stakeholder's commands.
func (b *builder) stakeholderInputs() map[string]commandInput {
	e := b.enums
	text := gql.Input(gql.String)
	stakeholderInput := inputObject("StakeholderInput", "A stakeholder's details.",
		inputField{"name", required(text), "", nil}, inputField{"type", required(e["StakeholderType"]), "", nil},
		inputField{"level", required(e["StakeholderLevel"]), "", nil}, inputField{"region", text, "Required for local and regional stakeholders: a region's code, or its name or a label, recorded as its code.", nil})
	holder := func(r inputValues) stakeholder.Profile {
		return stakeholder.Profile{Name: r.str("name"), Type: r.str("type"), Level: r.str("level"), Region: r.str("region")}
	}
	return map[string]commandInput{
		"registerStakeholder":      {stakeholderInput, func(r inputValues) any { return stakeholder.Register{Profile: holder(r)} }},
		"changeStakeholderDetails": {stakeholderInput, func(r inputValues) any { return stakeholder.ChangeDetails{Profile: holder(r)} }},
	}
}

// participantInputs are the inputs of the participant's commands.
func (b *builder) participantInputs() map[string]commandInput {
	e := b.enums
	date, text, count := gql.Input(dateType), gql.Input(gql.String), gql.Input(gql.Int)
	profile := []inputField{
		{"code", required(text), "The pseudonymous code facilitators use, e.g. \"GAO-0042\"; unique.", nil},
		{"sex", required(e["Sex"]), "", nil},
		{"birthYear", count, "Exactly one of birthYear and ageBand; never a birth date.", nil},
		{"ageBand", e["AgeBand"], "", nil},
		{"functioning", inputObject("FunctioningInput", "The Washington Group Short Set: how much difficulty the person has in each domain.",
			inputField{"seeing", e["Difficulty"], "Seeing, even if wearing glasses.", nil}, inputField{"hearing", e["Difficulty"], "Hearing, even if using a hearing aid.", nil},
			inputField{"walking", e["Difficulty"], "Walking or climbing steps.", nil}, inputField{"cognition", e["Difficulty"], "Remembering or concentrating.", nil},
			inputField{"selfCare", e["Difficulty"], "Self-care, such as washing all over or dressing.", nil},
			inputField{"communication", e["Difficulty"], "Communicating in their usual language.", nil}), "", nil},
		{"displacement", required(e["Displacement"]), "", nil},
		{"groups", listOfIn(text), "Excluded-group codes of the deployment (Query.vocabulary, Group).", nil},
		{"constituency", text, "", nil},
		{"region", required(text), "A region of the deployment: its code, or its name or a label, recorded as its code.", nil},
		{"locality", text, "", nil},
	}
	return map[string]commandInput{
		"enrolParticipant": {inputObject("EnrolParticipantInput", "A participant's pseudonymous profile and consent; the name and phone go in identity.", append(profile,
			inputField{"consent", inputObject("ConsentInput", "The participant's consent to be recorded.",
				inputField{"given", gql.Boolean, "", false}, inputField{"on", required(date), "When it was given.", nil}), "", nil})...),
			func(r inputValues) any {
				c := r.object("consent")
				return participant.Enrol{Profile: participantProfile(r), Consent: participant.Consent{Given: c.flag("given"), On: c.date("on")}}
			}},
		"correctParticipant": {inputObject("ParticipantProfileInput", "A participant's corrected profile.", profile...),
			func(r inputValues) any { return participant.CorrectProfile{Profile: participantProfile(r)} }},
		"eraseParticipant": {inputObject("EraseParticipantInput", "An erasure.", inputField{"erasedOn", required(date), "", nil}),
			func(r inputValues) any { return participant.Erase{ErasedOn: r.date("erasedOn")} }},
	}
}

// dialogueInputs are the inputs of the dialogue's commands.
func (b *builder) dialogueInputs() map[string]commandInput {
	e := b.enums
	date, id, text, count := gql.Input(dateType), gql.Input(gql.ID), gql.Input(gql.String), gql.Input(gql.Int)
	attendee := inputObject("AttendeeInput", "A registered attendee.",
		inputField{"participantId", required(id), "", nil}, inputField{"spoke", gql.Boolean, "Whether they took the floor.", false})
	headcount := inputObject("HeadcountInput", "Attendees who were not registered, by sex and youth (15–35); withDisabilities and displaced are among them, never more than their total.",
		inputField{"youngWomen", count, "", 0}, inputField{"adultWomen", count, "", 0}, inputField{"youngMen", count, "", 0},
		inputField{"adultMen", count, "", 0}, inputField{"withDisabilities", count, "", 0}, inputField{"displaced", count, "", 0})
	attendance := []inputField{
		{"attendees", listOfIn(attendee), "", nil},
		{"headcount", headcount, "", nil},
	}
	concern := inputObject("ConcernInput", "A concern raised.", inputField{"category", required(e["ConcernCategory"]), "", nil}, inputField{"summary", text, "", nil})
	return map[string]commandInput{
		"holdDialogue": {inputObject("HoldDialogueInput", "A dialogue held, and who attended.", append([]inputField{
			{"spaceId", required(id), "", nil}, {"heldOn", required(date), "", nil}, {"format", required(e["DialogueFormat"]), "", nil},
			{"title", text, "", nil}, {"topics", listOfIn(text), "", nil}, {"pillar", required(e["Pillar"]), "", nil},
			{"locality", text, "", nil}, {"language", text, "The language it was held in, e.g. \"bm\" (Bambara), \"fr\".", nil},
			{"durationMinutes", count, "", nil}, {"facilitators", listOfIn(text), "The subjects of the staff who ran it.", nil},
			{"stakeholderIds", listOfIn(id), "The stakeholders present.", nil}, {"concerns", listOfIn(concern), "", nil},
		}, attendance...)...),
			func(r inputValues) any {
				rec := dialogue.Record{SpaceID: r.id("spaceId"), HeldOn: r.date("heldOn"), Format: r.str("format"), Title: r.str("title"),
					Topics: r.strs("topics"), Pillar: r.str("pillar"), Locality: r.str("locality"), Language: r.str("language"),
					DurationMinutes: r.integer("durationMinutes"), Facilitators: r.strs("facilitators"), StakeholderIDs: r.ids("stakeholderIds"),
					Attendance: dialogueAttendance(r)}
				for _, c := range r.objects("concerns") {
					rec.Concerns = append(rec.Concerns, dialogue.Concern{Category: c.str("category"), Summary: c.str("summary")})
				}
				return dialogue.Hold{Record: rec}
			}},
		"correctDialogueAttendance": {inputObject("AttendanceInput", "A dialogue's whole attendance, replacing what was recorded.", attendance...),
			func(r inputValues) any { return dialogue.CorrectAttendance{Attendance: dialogueAttendance(r)} }},
		"retractDialogue": {inputObject("RetractDialogueInput", "Why a dialogue is retracted.", inputField{"reason", required(text), "", nil}),
			func(r inputValues) any { return dialogue.Retract{Reason: r.str("reason")} }},
	}
}

// commitmentInputs are the inputs of the commitment's commands.
func (b *builder) commitmentInputs() map[string]commandInput {
	e := b.enums
	date, id, text := gql.Input(dateType), gql.Input(gql.ID), gql.Input(gql.String)
	on := func(desc string) inputField { return inputField{"on", required(date), desc, nil} }
	note := inputField{"note", text, "", nil}
	evidence := inputField{"evidence", listOfIn(text), "References to evidence (a document's name, a link).", nil}
	return map[string]commandInput{
		"makeCommitment": {inputObject("MakeCommitmentInput", "A commitment a stakeholder made.",
			inputField{"stakeholderId", required(id), "Who made it.", nil}, inputField{"spaceId", id, "Where.", nil},
			inputField{"dialogueId", id, "At which dialogue.", nil}, inputField{"text", required(text), "What was promised, in the words recorded.", nil},
			inputField{"pillar", required(e["Pillar"]), "", nil}, inputField{"madeOn", required(date), "", nil}, inputField{"dueOn", date, "", nil},
			inputField{"benefits", listOfIn(e["Beneficiary"]), "Who it is meant to benefit.", nil}),
			func(r inputValues) any {
				return commitment.Make{Promise: commitment.Promise{StakeholderID: r.id("stakeholderId"), SpaceID: r.optionalID("spaceId"),
					DialogueID: r.optionalID("dialogueId"), Text: r.str("text"), Pillar: r.str("pillar"), MadeOn: r.date("madeOn"),
					DueOn: r.date("dueOn"), Benefits: r.strs("benefits")}}
			}},
		"reportCommitmentProgress": {inputObject("ReportProgressInput", "A progress report.", inputField{"reportedOn", required(date), "", nil},
			inputField{"status", required(e["ProgressStatus"]), "", nil}, note, evidence),
			func(r inputValues) any {
				return commitment.ReportProgress{ReportedOn: r.date("reportedOn"), Status: r.str("status"), Note: r.str("note"), Evidence: r.strs("evidence")}
			}},
		"reviseCommitmentDueDate": {inputObject("ReviseDueDateInput", "A new due date, and why.", inputField{"dueOn", required(date), "", nil}, inputField{"reason", required(text), "", nil}),
			func(r inputValues) any {
				return commitment.ReviseDueDate{DueOn: r.date("dueOn"), Reason: r.str("reason")}
			}},
		"fulfilCommitment": {inputObject("FulfilCommitmentInput", "A commitment kept.", on("When it was kept."), evidence),
			func(r inputValues) any { return commitment.Fulfil{On: r.date("on"), Evidence: r.strs("evidence")} }},
		"breakCommitment": {inputObject("BreakCommitmentInput", "A commitment broken.", on("When it was found broken."), note),
			func(r inputValues) any { return commitment.Break{On: r.date("on"), Note: r.str("note")} }},
		"withdrawCommitment": {inputObject("WithdrawCommitmentInput", "A commitment withdrawn by its maker.", on(""), note),
			func(r inputValues) any { return commitment.Withdraw{On: r.date("on"), Note: r.str("note")} }},
	}
}

func spaceDetails(r inputValues) space.Details {
	return space.Details{Name: r.str("name"), Kind: r.str("kind"), Region: r.str("region"), Locality: r.str("locality"),
		Pillar: r.str("pillar"), ConvenorID: r.optionalID("convenorId")}
}

func spaceTargets(r inputValues) space.Targets {
	return space.Targets{Women: r.real("women"), Youth: r.real("youth"), Disability: r.real("disability"), Displaced: r.real("displaced")}
}

func participantProfile(r inputValues) participant.Profile {
	f := r.object("functioning")
	return participant.Profile{Code: r.str("code"), Sex: r.str("sex"), BirthYear: r.integer("birthYear"), AgeBand: r.str("ageBand"),
		Functioning: participant.Functioning{Seeing: f.str("seeing"), Hearing: f.str("hearing"), Walking: f.str("walking"),
			Cognition: f.str("cognition"), SelfCare: f.str("selfCare"), Communication: f.str("communication")},
		Displacement: r.str("displacement"), Groups: r.strs("groups"), Constituency: r.str("constituency"),
		Region: r.str("region"), Locality: r.str("locality")}
}

func dialogueAttendance(r inputValues) dialogue.Attendance {
	h := r.object("headcount")
	a := dialogue.Attendance{Headcount: dialogue.Headcount{YoungWomen: h.integer("youngWomen"), AdultWomen: h.integer("adultWomen"),
		YoungMen: h.integer("youngMen"), AdultMen: h.integer("adultMen"), WithDisabilities: h.integer("withDisabilities"), Displaced: h.integer("displaced")}}
	for _, at := range r.objects("attendees") {
		a.Attendees = append(a.Attendees, dialogue.Attendee{ParticipantID: at.id("participantId"), Spoke: at.flag("spoke")})
	}
	return a
}

// inputValues reads an input object as graphql-go coerced it (enums to their
// codes, dates to domain.Date, lists to []any, objects to maps). Types
// and required fields were checked before; what is left to check is the
// form of ids, and the first malformed one is kept, with its path.
type inputValues struct {
	path    string
	values  map[string]any
	problem *error
}

func newInputValues(path string, v any) inputValues {
	var problem error
	m, _ := v.(map[string]any)
	return inputValues{path: path, values: m, problem: &problem}
}

func (r inputValues) at(name string) string { return r.path + "." + name }
func (r inputValues) has(name string) bool  { return r.values[name] != nil }
func (r inputValues) str(name string) string {
	s, _ := r.values[name].(string)
	return s
}
func (r inputValues) integer(name string) int {
	n, _ := r.values[name].(int)
	return n
}
func (r inputValues) flag(name string) bool {
	v, _ := r.values[name].(bool)
	return v
}
func (r inputValues) date(name string) domain.Date {
	d, _ := r.values[name].(domain.Date)
	return d
}

// real is a Float field; nil when absent.
func (r inputValues) real(name string) *float64 {
	switch v := r.values[name].(type) {
	case float64:
		return &v
	case int:
		f := float64(v)
		return &f
	}
	return nil
}

func (r inputValues) strs(name string) []string {
	var out []string
	for _, v := range r.list(name) {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func (r inputValues) list(name string) []any {
	l, _ := r.values[name].([]any)
	return l
}

func (r inputValues) object(name string) inputValues {
	m, _ := r.values[name].(map[string]any)
	return inputValues{path: r.at(name), values: m, problem: r.problem}
}

func (r inputValues) objects(name string) []inputValues {
	var out []inputValues
	for i, v := range r.list(name) {
		m, _ := v.(map[string]any)
		out = append(out, inputValues{path: fmt.Sprintf("%s[%d]", r.at(name), i), values: m, problem: r.problem})
	}
	return out
}

func (r inputValues) parse(path string, v any) domain.ID {
	id, err := parseID(path, v)
	if err != nil && *r.problem == nil {
		*r.problem = err
	}
	return id
}

func (r inputValues) id(name string) domain.ID { return r.parse(r.at(name), r.values[name]) }

func (r inputValues) optionalID(name string) *domain.ID {
	if !r.has(name) {
		return nil
	}
	id := r.id(name)
	return &id
}

func (r inputValues) ids(name string) []domain.ID {
	var out []domain.ID
	for i, v := range r.list(name) {
		out = append(out, r.parse(fmt.Sprintf("%s[%d]", r.at(name), i), v))
	}
	return out
}
