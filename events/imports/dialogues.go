package imports

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"strconv"
	"strings"
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
	CommandID   domain.ID // the dialogue's, derived from this version of the submission
	Dialogue    dialogue.Record
	Commitments []PlannedCommitment
	// Enrolments are attendees not yet enrolled whose profile the form
	// carries: enrolled before the dialogue is written.
	Enrolments []PlannedEnrolment
	Problems   []Problem
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
// dialogue's, its commitments', their commands') from the submission, the
// region of the dialogue's space and the key. A submission's uuid and
// time are in any shared export: were they enough, a facilitator of
// another region could take the id of a submission not imported yet (a
// squat: its own region's import then refused) and tell, by how a dry
// run answers, whether it was imported (an oracle). Keyed and placed in
// a region, one submission imported into two regions gives unrelated ids.
//
// Dialogues imported before ids were keyed keep their unkeyed ids
// (derive's), so that a file imported then adds nothing when imported
// again and an edit of its submissions corrects their dialogue: those are
// used only when such a dialogue exists, in the region of the space the
// submission names, and the importer may see it. One they may not see is
// treated exactly as one that does not exist, so it reveals nothing.
func submissionIDs(s Submission, region string, dir Directory) func(parts ...string) domain.ID {
	at, root := submittedAt(s), s.Root()
	if r, ok := dir.Dialogue(derive(at, root, "dialogue")); ok && r == region {
		return func(parts ...string) domain.ID { return derive(at, parts...) }
	}
	return func(parts ...string) domain.ID {
		return keyed(dir.Key, at, append([]string{"submission", region}, parts...)...)
	}
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
	problem := p.problem
	date := func(r Record, name string) domain.Date {
		v := r.Get(name)
		if v == "" {
			return domain.Date{}
		}
		d, err := domain.ParseDate(firstDate(v))
		if err != nil {
			problem(r, name, "%q is not a date (YYYY-MM-DD)", v)
		}
		return d
	}
	count := func(r Record, name string) int {
		v := r.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
		if err != nil {
			problem(r, name, "%q is not a whole number", v)
		}
		return n
	}
	if v := s.Get("_validation_status"); strings.Contains(v, "not_approved") {
		problem(s.Record, "_validation_status", "the submission is marked not approved in Kobo")
	}
	space, err := domain.ParseID("spaceId", s.Get("spaceId"))
	region, known := "", false
	if err == nil {
		region, known = dir.SpaceRegion(space)
	}
	if !known { // another region's answers as one that does not exist
		problem(s.Record, "spaceId", "%q is not a space of this server: download the form again", s.Get("spaceId"))
	}
	id := submissionIDs(s, region, dir)
	root := s.Root() // an edit corrects the dialogue its first version made
	p.DialogueID, p.CommandID = id(root, "dialogue"), id(s.UUID(), "dialogue")
	rec := dialogue.Record{SpaceID: space, HeldOn: date(s.Record, "heldOn"), Format: s.Get("format"), Pillar: s.Get("pillar"),
		Title: s.Get("title"), Locality: s.Get("locality"), Language: s.Get("language"), DurationMinutes: count(s.Record, "durationMinutes")}
	for _, topic := range strings.Split(s.Get("topics"), ",") {
		if t := strings.TrimSpace(topic); t != "" {
			rec.Topics = append(rec.Topics, t)
		}
	}
	for _, v := range s.Multiple("stakeholderIds") {
		id, err := domain.ParseID("stakeholderIds", v)
		if err != nil {
			problem(s.Record, "stakeholderIds", "%q is not a stakeholder of this server: download the form again", v)
			continue
		}
		rec.StakeholderIDs = append(rec.StakeholderIDs, id)
	}
	rec.Headcount = dialogue.Headcount{YoungWomen: count(s.Record, "youngWomen"), AdultWomen: count(s.Record, "adultWomen"), YoungMen: count(s.Record, "youngMen"),
		AdultMen: count(s.Record, "adultMen"), WithDisabilities: count(s.Record, "withDisabilities"), Displaced: count(s.Record, "displaced")}
	if known { // attendees are found in the space's region
		p.attendees(&rec, s.Repeats["attendees"], region, dir)
	}
	for _, c := range s.Repeats["concerns"] {
		rec.Concerns = append(rec.Concerns, dialogue.Concern{Category: c.Get("category"), Summary: c.Get("summary")})
	}
	p.Dialogue = rec
	for i, c := range s.Repeats["commitments"] {
		holder, err := domain.ParseID("stakeholderId", c.Get("stakeholderId"))
		if err != nil {
			problem(c, "stakeholderId", "%q is not a stakeholder of this server: download the form again", c.Get("stakeholderId"))
		}
		dialogueID := p.DialogueID
		p.Commitments = append(p.Commitments, PlannedCommitment{ID: id(root, "commitment", strconv.Itoa(i)), Row: c,
			Cmd: commitment.Make{Promise: commitment.Promise{StakeholderID: holder, SpaceID: &space, DialogueID: &dialogueID,
				Text: c.Get("text"), Pillar: rec.Pillar, MadeOn: rec.HeldOn, DueOn: date(c, "dueOn")}}})
	}
	return p
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

// problem adds a problem of a record's column to the plan.
func (p *Plan) problem(r Record, column, format string, args ...any) {
	var d domain.Problems
	d.Add(column, format, args...)
	p.Problems = append(p.Problems, Problem{Sheet: r.Sheet, Row: r.Row, Column: column, Problem: d[0]})
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
		case !ok:
			p.problem(a, "participantCode", "no participant has the code %s: enrol them first, or answer yes to “not yet enrolled” with their profile", code)
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
	if len(tables) > 0 {
		if reg, ok := RegisterOf(tables[0]); ok {
			return planRegister(reg, &tables[0], dir), nil
		}
	}
	subs, err := Submissions(tables)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(subs))
	for i, s := range subs {
		rows[i] = PlanDialogue(s, dir)
	}
	return rows, nil
}
