package imports

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
)

// Codes finds participants by their pseudonymous code in a region (codes
// are unique per region: participant.CodeClaimed says why): ok is false
// for a code nobody there has, ambiguous true for one two people have.
type Codes func(region, code string) (id domain.ID, ok, ambiguous bool)

// Directory is what planning looks up, as the importer may see it.
type Directory struct {
	// Codes finds attendees and register lines' participants.
	Codes Codes
	// SpaceRegion is the region of a space the importer may see: a
	// submission's attendees are found in it. ok is false for a space
	// they may not see, as for one that does not exist. Required.
	SpaceRegion func(space domain.ID) (region string, ok bool)
	// Dialogue is the region of a dialogue the importer may see (its
	// space's); ok is false for one they may not see, as for one that
	// does not exist. It finds the dialogues imported before submissions'
	// ids were keyed (see submissionIDs). Required.
	Dialogue func(id domain.ID) (region string, ok bool)
	// Key keys the ids of the participants an import enrols and of what
	// a submission becomes (keystore.Secret(participant.CodeKeyPurpose)):
	// without the master key, an erasure list does not map back to codes
	// and no one computes a dialogue's id from a submission's uuid.
	// Required.
	Key []byte
	// RegionCode is the code of a region a register names by its code,
	// name or a label (read.Service.RegionCode, the rule every write
	// takes a region by), so that an id derived from a region is the
	// same whatever the file calls it. nil: regions are taken as written.
	RegionCode func(name string) (code string, ok bool)
}

// region is a register's region as its code, or as written when it is
// no region's (the decider refuses it, naming the column).
func (d Directory) region(name string) string {
	if d.RegionCode == nil {
		return name
	}
	if code, ok := d.RegionCode(name); ok {
		return code
	}
	return name
}

// Problem is why a row is refused: where (sheet, row, column) and why, as
// a domain problem so that it is told in French or English.
type Problem struct {
	Sheet  string
	Row    int
	Column string
	domain.Problem
}

// Plan is what one submission becomes: a dialogue and the commitments
// heard at it, with ids derived from the submission, or its problems.
type Plan struct {
	Submission  Submission
	DialogueID  domain.ID
	CommandID   domain.ID // the dialogue's, derived from this version of the submission and what it says
	Dialogue    dialogue.Record
	Commitments []PlannedCommitment
	// Enrolments are attendees not yet enrolled whose profile the form
	// carries: enrolled before the dialogue is written.
	Enrolments []PlannedEnrolment
	Problems   []Problem

	ids     func(parts ...string) domain.ID // submissionIDs'
	edits   int                             // Central's count of this version's edits
	awaited []awaitedAttendee
	file    *fileState // shared by the file's plans
}

// awaitedAttendee is an attendee whose code no one had when the file was
// planned: an earlier submission of the file may enrol them.
type awaitedAttendee struct {
	ID   domain.ID
	Row  Record
	Code string
}

// fileState is what the submissions of one file share as they apply, in
// order. Safe for concurrent use: rows that share no one may run side by
// side.
type fileState struct {
	mu sync.Mutex
	// enrolled are the participants earlier submissions enrolled (or, in
	// a dry run, would have): not in the log in a dry run.
	enrolled map[domain.ID]bool
}

func newFileState() *fileState { return &fileState{enrolled: map[domain.ID]bool{}} }

// known reports whether an earlier submission of the file enrolled id.
func (f *fileState) known(id domain.ID) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.enrolled[id]
}

// enrol records that a submission enrolled id.
func (f *fileState) enrol(id domain.ID) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enrolled[id] = true
}

// PlannedEnrolment is a new attendee, enrolled under their code.
type PlannedEnrolment struct {
	ID  domain.ID
	Row Record
	Cmd participant.Enrol
}

// participantID is the id a participant enrolled by an import has: one
// per region and code, whichever file enrols them, keyed so that it is
// not computed from the code without the master key.
func participantID(key []byte, region, code string) domain.ID {
	return keyed(key, time.Time{}, "participant", region, strings.ToUpper(code))
}

// keyed is derive with a key: the id is not computed from its parts
// without the master key.
func keyed(key []byte, at time.Time, parts ...string) domain.ID {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("palabre import\x00" + strings.Join(parts, "\x00")))
	return idOf(at, mac.Sum(nil))
}

// submissionIDs derives the ids of what a submission becomes (its
// dialogue's, its commitments', their commands') from the submission's
// stable key (Submission.Keys), the region of the dialogue's space and
// the key. A submission's uuid is in any shared export: were it enough, a
// facilitator of another region could take the id of a submission not
// imported yet (a squat: its own region's import then refused) and tell,
// by how a dry run answers, whether it was imported (an oracle). Keyed
// and placed in a region, one submission imported into two regions gives
// unrelated ids.
//
// A dialogue made before under another of the submission's keys, or
// under the ids of earlier imports (unkeyed ones, then keyed ones timed
// by the submission time as read, which a typed cell changed), keeps its
// id: each is used only when such a dialogue exists in the region of the
// space the submission names and the importer may see it. One they may
// not see is treated exactly as one that does not exist, so it reveals
// nothing.
func submissionIDs(s Submission, region string, dir Directory) func(parts ...string) domain.ID {
	at, legacy := submittedAt(s), s.legacyRoot()
	schemes := []func(parts ...string) domain.ID{
		func(parts ...string) domain.ID { return derive(at, append([]string{legacy}, parts...)...) },
		func(parts ...string) domain.ID {
			return keyed(dir.Key, at, append([]string{"submission", region, legacy}, parts...)...)
		},
	}
	for _, key := range s.Keys() {
		schemes = append(schemes, func(parts ...string) domain.ID {
			return keyed(dir.Key, time.Time{}, append([]string{"submission", region, key}, parts...)...)
		})
	}
	for _, id := range schemes {
		if r, ok := dir.Dialogue(id("dialogue")); ok && r == region {
			return id
		}
	}
	if len(s.Keys()) == 0 {
		return schemes[1]
	}
	return schemes[2]
}

// PlannedCommitment is a commitment heard at the dialogue.
type PlannedCommitment struct {
	ID  domain.ID
	Row Record
	Cmd commitment.Make
}

// derive makes a stable id for one part of a submission: the same
// submission always gives the same ids, so an import repeated adds
// nothing. The id's time is the submission's, as ULIDs' are.
func derive(at time.Time, parts ...string) domain.ID {
	sum := sha256.Sum256([]byte("palabre import\x00" + strings.Join(parts, "\x00")))
	return idOf(at, sum[:])
}

// idOf makes an id of a time and a hash, as ULIDs are made of a time and
// randomness.
func idOf(at time.Time, sum []byte) domain.ID {
	var id domain.ID
	copy(id[6:], sum[:10])
	ms := uint64(max(at.UnixMilli(), 0))
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id
}

// PlanDialogue reads a submission of the form palabre ships: its field
// names are the API's, so no mapping is needed. Attendees are found by
// code in the space's region, and new ones enrolled there.
func PlanDialogue(s Submission, dir Directory) Plan {
	p := Plan{Submission: s}
	p.reviewed(s)
	space, err := domain.ParseID("spaceId", s.Get("spaceId"))
	region, known := "", false
	if err == nil {
		region, known = dir.SpaceRegion(space)
	}
	if !known { // another region's answers as one that does not exist
		p.problem(s.Record, "spaceId", "%q is not a space of this server: download the form again", s.Get("spaceId"))
	}
	p.ids = submissionIDs(s, region, dir)
	p.DialogueID = p.ids("dialogue")
	rec := dialogue.Record{SpaceID: space, HeldOn: p.date(s.Record, "heldOn"), Format: s.Get("format"), Pillar: s.Get("pillar"),
		Title: s.Get("title"), Locality: s.Get("locality"), Language: s.Get("language"), DurationMinutes: p.count(s.Record, "durationMinutes")}
	for _, topic := range strings.Split(s.Get("topics"), ",") {
		if t := strings.TrimSpace(topic); t != "" {
			rec.Topics = append(rec.Topics, t)
		}
	}
	for _, v := range s.Multiple("stakeholderIds") {
		id, err := domain.ParseID("stakeholderIds", v)
		if err != nil {
			p.problem(s.Record, "stakeholderIds", "%q is not a stakeholder of this server: download the form again", v)
			continue
		}
		rec.StakeholderIDs = append(rec.StakeholderIDs, id)
	}
	count := func(name string) int { return p.count(s.Record, name) }
	rec.Headcount = dialogue.Headcount{YoungWomen: count("youngWomen"), AdultWomen: count("adultWomen"), YoungMen: count("youngMen"),
		AdultMen: count("adultMen"), WithDisabilities: count("withDisabilities"), Displaced: count("displaced")}
	if known { // attendees are found in the space's region
		p.attendees(&rec, s.Repeats["attendees"], region, dir)
	}
	for _, c := range s.Repeats["concerns"] {
		rec.Concerns = append(rec.Concerns, dialogue.Concern{Category: c.Get("category"), Summary: c.Lines("summary")})
	}
	p.Dialogue = rec
	// This version's dialogue command: its id names this version and what
	// it says, so that a version is applied once, whatever came after it.
	content, _ := json.Marshal(rec)
	sum := sha256.Sum256(content)
	p.CommandID = p.ids("version", s.UUID(), hex.EncodeToString(sum[:8]))
	if p.edits = s.Edits(); p.edits > 0 { // Central numbers its versions: the id says which
		p.CommandID = p.editID(p.edits)
	}
	for i, c := range s.Repeats["commitments"] {
		holder, err := domain.ParseID("stakeholderId", c.Get("stakeholderId"))
		if err != nil {
			p.problem(c, "stakeholderId", "%q is not a stakeholder of this server: download the form again", c.Get("stakeholderId"))
		}
		dialogueID := p.DialogueID
		p.Commitments = append(p.Commitments, PlannedCommitment{ID: p.commitmentID(i, 0), Row: c,
			Cmd: commitment.Make{Promise: commitment.Promise{StakeholderID: holder, SpaceID: &space, DialogueID: &dialogueID,
				Text: c.Lines("text"), Pillar: rec.Pillar, MadeOn: rec.HeldOn, DueOn: p.date(c, "dueOn")}}})
	}
	return p
}

// editID is the id of the dialogue's command of Central's nth edit.
func (p Plan) editID(n int) domain.ID { return p.ids("edit", strconv.Itoa(n)) }

// commitmentID is the id of the commitment in a submission's slot (its
// row among the commitments) at a generation: 0 for the one first heard,
// one more each time an edit rewords it or names another stakeholder.
func (p Plan) commitmentID(slot, generation int) domain.ID {
	if generation == 0 {
		return p.ids("commitment", strconv.Itoa(slot))
	}
	return p.ids("commitment", strconv.Itoa(slot), "edit", strconv.Itoa(generation))
}

// reviewed refuses a submission its team refused on the server: Kobo's
// validation status "not approved", ODK Central's review state
// "rejected". Others ("on hold", "has issues", "edited", none) are
// imported: a review in progress is not a refusal.
func (p *Plan) reviewed(s Submission) {
	if strings.Contains(s.Get("_validation_status"), "not_approved") {
		p.problem(s.Record, "_validation_status", "the submission is marked not approved in Kobo; submissions not approved (Kobo) or rejected (ODK Central) are refused")
	}
	if strings.EqualFold(s.Get("ReviewState"), "rejected") {
		p.problem(s.Record, "ReviewState", "the submission is marked rejected in ODK Central; submissions not approved (Kobo) or rejected (ODK Central) are refused")
	}
}

// date reads a date question, or adds its problem.
func (p *Plan) date(r Record, name string) domain.Date {
	v := r.Get(name)
	if v == "" {
		return domain.Date{}
	}
	d, err := domain.ParseDate(firstDate(v))
	if err != nil {
		p.problem(r, name, "%q is not a date (YYYY-MM-DD)", v)
	}
	return d
}

// count reads a whole number, or adds its problem.
func (p *Plan) count(r Record, name string) int {
	v := r.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil {
		p.problem(r, name, "%q is not a whole number", v)
	}
	return n
}

// remembered asks each space's region once: a file's thousands of
// submissions name a few spaces.
func remembered(lookup func(domain.ID) (string, bool)) func(domain.ID) (string, bool) {
	type answer struct {
		region string
		ok     bool
	}
	seen := map[domain.ID]answer{}
	return func(id domain.ID) (string, bool) {
		a, done := seen[id]
		if !done {
			a.region, a.ok = lookup(id)
			seen[id] = a
		}
		return a.region, a.ok
	}
}

// problem adds a problem of a record's question to the plan, at the
// column as the export heads it ("dialogue/spaceId").
func (p *Plan) problem(r Record, question, format string, args ...any) {
	var d domain.Problems
	d.Add(question, format, args...)
	p.Problems = append(p.Problems, Problem{Sheet: r.Sheet, Row: r.Row, Column: r.Header(question), Problem: d[0]})
}

// attendees finds a submission's attendees by code in the region of the
// dialogue's space, and plans the enrolment of new ones there.
func (p *Plan) attendees(rec *dialogue.Record, rows []Record, region string, dir Directory) {
	for _, a := range rows {
		code := a.Get("participantCode")
		id, ok, ambiguous := dir.Codes(region, code)
		switch {
		case ambiguous:
			p.problem(a, "participantCode", "the code %s is held by two participants: correct one of them first", code)
		case !ok && yes(a.Get("newParticipant")):
			id := participantID(dir.Key, region, code)
			pr := participant.Profile{Code: code, Sex: a.Get("sex"), AgeBand: a.Get("ageBand"), Displacement: a.Get("displacement"), Groups: a.Multiple("groups"), Region: region}
			p.Enrolments = append(p.Enrolments, PlannedEnrolment{ID: id, Row: a,
				Cmd: participant.Enrol{Profile: pr, Consent: participant.Consent{Given: yes(a.Get("consent")), On: rec.HeldOn}}})
			rec.Attendees = append(rec.Attendees, dialogue.Attendee{ParticipantID: id, Spoke: yes(a.Get("spoke"))})
		case !ok: // perhaps enrolled by an earlier submission of the file: known when this one applies
			id := participantID(dir.Key, region, code)
			p.awaited = append(p.awaited, awaitedAttendee{ID: id, Row: a, Code: code})
			rec.Attendees = append(rec.Attendees, dialogue.Attendee{ParticipantID: id, Spoke: yes(a.Get("spoke"))})
		default:
			rec.Attendees = append(rec.Attendees, dialogue.Attendee{ParticipantID: id, Spoke: yes(a.Get("spoke"))})
		}
	}
}

// submittedAt is when the submission was made, for its ids' time.
func submittedAt(s Submission) time.Time {
	for _, name := range []string{"_submission_time", "SubmissionDate", "end", "start"} {
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02T15:04:05.000-07:00", time.DateOnly} {
			if t, err := time.Parse(layout, s.Get(name)); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// firstDate keeps the date of a date-time ("2025-03-02T10:00:00…").
func firstDate(v string) string {
	if len(v) > 10 && v[4] == '-' && v[7] == '-' {
		return v[:10]
	}
	return v
}

func yes(v string) bool {
	switch strings.ToLower(v) {
	case "yes", "oui", "1", "true":
		return true
	}
	return false
}

// Describe names a plan's row for a report.
func (p Plan) Describe() string {
	return fmt.Sprintf("%s row %d", p.Submission.Sheet, p.Submission.Row)
}

// Plans reads an export or a register by its file's name, within
// DefaultLimits, and plans every row (see PlanTables).
//
// Returns commands.ErrNoCodeKey when the directory has no key.
func Plans(name string, b []byte, dir Directory, mapping *Mapping) ([]Row, error) {
	if len(dir.Key) == 0 {
		return nil, commands.ErrNoCodeKey
	}
	tables, err := Read(name, b)
	if err != nil {
		return nil, err
	}
	return PlanTables(tables, dir, mapping)
}

// PlanTables plans every row of an export's or a register's tables: what
// the command line and the server both import. A mapping (nil for
// palabre's own form and registers) rewrites the export's tables first.
func PlanTables(tables []Table, dir Directory, mapping *Mapping) ([]Row, error) {
	dir.SpaceRegion = remembered(dir.SpaceRegion)
	tables = mapping.Apply(tables)
	if len(tables) > 0 && len(tables[0].Rows) == 0 { // else an empty report, as if all went well
		return nil, domain.Reject("file", "%s has its headers but no row under them: nothing to import", tables[0].Name)
	}
	if len(tables) > 0 {
		if reg, ok := RegisterOf(tables[0]); ok {
			return planRegister(reg, &tables[0], dir), nil
		}
	}
	if refused, ok := exportRefused(tables, mapping); ok {
		return []Row{refused}, nil
	}
	subs, err := Submissions(tables)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(subs))
	file := newFileState()
	for i, s := range subs {
		p := PlanDialogue(s, dir)
		p.file = file
		rows[i] = p
	}
	return rows, nil
}

// exportRefused refuses, in one line, an export of the form that palabre
// cannot read whole: Kobo's CSV, which holds the submissions' sheet only
// (formpack's to_csv writes the first section: kpi issue 2337), unless a
// mapping counts attendees by headcount; and an export whose headers are
// the form's labels (Kobo's default download when the form has
// translations), which would otherwise be refused row by row for every
// question.
func exportRefused(tables []Table, mapping *Mapping) (Row, bool) {
	if len(tables) == 0 {
		return nil, false
	}
	t := tables[0]
	var d domain.Problems
	refused := func() (Row, bool) { return fileRefusal{Problem{Sheet: t.Name, Row: 1, Problem: d[0]}}, true }
	fromServer := t.column("_uuid") >= 0 || t.column("KEY") >= 0
	koboCSV := len(tables) == 1 && strings.EqualFold(filepath.Ext(t.Name), ".csv") && t.column("_index") >= 0 && t.column("_uuid") >= 0
	switch {
	case koboCSV && (mapping == nil || mapping.Attendees != "headcount"):
		d.Add("", "Kobo's CSV holds no repeat group (attendees, concerns, commitments: only the first sheet is written to it): nothing is imported; export as XLSX, which holds them, with XML values and headers")
		return refused()
	case mapping == nil && fromServer && t.column("spaceId") < 0 && t.column("heldOn") < 0:
		d.Add("", "the headers are the form's labels, not its names: nothing is imported; export with XML values and headers")
		return refused()
	}
	return nil, false
}

// fileRefusal is a whole file refused, as one line of the report.
type fileRefusal struct{ problem Problem }

func (f fileRefusal) Where() Record      { return Record{Sheet: f.problem.Sheet, Row: f.problem.Row} }
func (f fileRefusal) Planned() []Problem { return []Problem{f.problem} }
func (f fileRefusal) run(context.Context, *commands.Handler, Sender, Options) (Outcome, []Problem, error) {
	return Refused, f.Planned(), nil
}
