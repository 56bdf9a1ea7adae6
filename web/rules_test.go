package web

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
)

// rules is src/rules.json: the server's rules the forms check as one types.
type rules struct {
	NotAfterToday []string `json:"notAfterToday"`
	NotBeforeMade []string `json:"notBeforeMade"`
	Code          struct {
		Pattern string `json:"pattern"`
	} `json:"code"`
	BirthYear       struct{ Min int } `json:"birthYear"`
	Headcount       struct{ Max int } `json:"headcount"`
	DurationMinutes struct{ Max int } `json:"durationMinutes"`
	MaxLength       map[string]int    `json:"maxLength"`
}

// fieldsAtFault are the fields a decision refuses ("" for none).
func fieldsAtFault(err error) []string {
	var p *domain.Problems
	if !errors.As(err, &p) {
		return nil
	}
	var out []string
	for _, pr := range *p {
		out = append(out, pr.Field)
	}
	return out
}

// deciders make commands valid but for the one change a rule is about, and
// say which fields the domain refuses.
type deciders struct {
	env     domain.Env
	today   domain.Date
	space   domain.ID
	promise commitment.Promise
}

func newDeciders() deciders {
	today := domaintest.Date(2026, 5, 10)
	space, holder := domaintest.ID(1), domaintest.ID(2)
	return deciders{today: today, space: space,
		env: domain.Env{Today: today, Reference: refdata.Default(), Lookup: domaintest.Facts{
			Spaces: map[domain.ID]domain.SpaceFacts{space: {Region: "gao"}}, Stakeholders: map[domain.ID]domain.StakeholderFacts{holder: {Region: "gao"}}}},
		promise: commitment.Promise{StakeholderID: holder, Text: "t", Pillar: "security", MadeOn: today}}
}

func (d deciders) hold(change func(*dialogue.Record)) []string {
	rec := dialogue.Record{SpaceID: d.space, HeldOn: d.today, Format: "workshop", Pillar: "security"}
	change(&rec)
	_, err := dialogue.Decide(dialogue.State{}, dialogue.Hold{Record: rec}, d.env)
	return fieldsAtFault(err)
}

func (d deciders) enrol(change func(*participant.Enrol)) []string {
	c := participant.Enrol{Profile: participant.Profile{Code: "GAO-1", Sex: "female", BirthYear: 1990, Displacement: "none", Region: "gao"},
		Consent: participant.Consent{Given: true, On: d.today}}
	change(&c)
	_, err := participant.Decide(participant.State{}, c, d.env)
	return fieldsAtFault(err)
}

func (d deciders) makeCommitment(change func(*commitment.Promise)) []string {
	p := d.promise
	change(&p)
	_, err := commitment.Decide(commitment.State{}, commitment.Make{Promise: p}, d.env)
	return fieldsAtFault(err)
}

// act decides a follow-up of an open commitment made today.
func (d deciders) act(c commitment.Command) []string {
	_, err := commitment.Decide(commitment.State{Exists: true, Promise: d.promise, Status: commitment.Open}, c, d.env)
	return fieldsAtFault(err)
}

// harvest decides an outcome of the stakeholder, valid but for change.
func (d deciders) harvest(change func(*outcome.Record)) []string {
	r := outcome.Record{ActorID: d.promise.StakeholderID, ChangeType: "practice", On: d.today, Region: "gao", Description: "d", Significance: "s", Contribution: "c"}
	change(&r)
	_, err := outcome.Decide(outcome.State{}, outcome.Harvest{Record: r}, d.env)
	return fieldsAtFault(err)
}

func (d deciders) report(on domain.Date) []string {
	return d.act(commitment.ReportProgress{ReportedOn: on, Status: "on-track"})
}

// check: the domain takes the value at the bound and refuses it past.
func check(t *testing.T, rule string, atBound, past []string, field string) {
	t.Helper()
	if slices.Contains(atBound, field) || !slices.Contains(past, field) {
		t.Errorf("%s: at the bound the domain refuses %v, past it %v; the forms refuse %s only past it", rule, atBound, past, field)
	}
}

func readRules(t *testing.T) rules {
	t.Helper()
	raw, err := os.ReadFile("src/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var r rules
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The tests below check each rule of src/rules.json against the domain's
// own deciders, at its bound and just past it, so that the device refuses
// as one types exactly what the server would refuse later in the outbox.

func TestTheFormsDatesAreTheDomains(t *testing.T) {
	r, d := readRules(t), newDeciders()
	tomorrow := domaintest.Date(2026, 5, 11)
	dates := map[string]func(domain.Date) []string{
		"heldOn":     func(on domain.Date) []string { return d.hold(func(r *dialogue.Record) { r.HeldOn = on }) },
		"consentOn":  func(on domain.Date) []string { return d.enrol(func(c *participant.Enrol) { c.Consent.On = on }) },
		"madeOn":     func(on domain.Date) []string { return d.makeCommitment(func(p *commitment.Promise) { p.MadeOn = on }) },
		"reportedOn": d.report,
		"on":         func(on domain.Date) []string { return d.act(commitment.Fulfil{On: on}) },
	}
	field := map[string]string{"heldOn": "heldOn", "consentOn": "consent.on", "madeOn": "madeOn", "reportedOn": "reportedOn", "on": "on"}
	for _, name := range r.NotAfterToday {
		decide, ok := dates[name]
		if !ok {
			t.Errorf("rules.json names the date %q, which this test does not know", name)
			continue
		}
		check(t, "not after today: "+name, decide(d.today), decide(tomorrow), field[name])
	}

	// What happens to a commitment happens on or after the day it was made.
	made, dayBefore := d.today, domaintest.Date(2026, 5, 9)
	notBefore := map[string]func(domain.Date) []string{
		"reportedOn": d.report,
		"on":         func(on domain.Date) []string { return d.act(commitment.Fulfil{On: on}) },
		"dueOn":      func(on domain.Date) []string { return d.act(commitment.ReviseDueDate{DueOn: on, Reason: "r"}) },
	}
	for _, name := range r.NotBeforeMade {
		decide, ok := notBefore[name]
		if !ok {
			t.Errorf("rules.json names the date %q, which this test does not know", name)
			continue
		}
		check(t, "not before made: "+name, decide(made), decide(dayBefore), name)
	}

}

func TestTheFormsCodeAndBoundsAreTheDomains(t *testing.T) {
	r, d := readRules(t), newDeciders()
	code := regexp.MustCompile(r.Code.Pattern)
	for _, c := range []string{"GAO-0100", "a", "x_1", strings.Repeat("A", 40), strings.Repeat("A", 41), "-GAO", "GAO 1", "Aïcha", ""} {
		refused := slices.Contains(d.enrol(func(e *participant.Enrol) { e.Code = c }), "code")
		if refused == code.MatchString(c) {
			t.Errorf("the code %q: the domain refuses it %v, the forms' pattern matches it %v", c, refused, code.MatchString(c))
		}
	}
	check(t, "birth year", d.enrol(func(e *participant.Enrol) { e.BirthYear = r.BirthYear.Min }), d.enrol(func(e *participant.Enrol) { e.BirthYear = r.BirthYear.Min - 1 }), "birthYear")
	check(t, "birth year this year at most", d.enrol(func(e *participant.Enrol) { e.BirthYear = 2026 }), d.enrol(func(e *participant.Enrol) { e.BirthYear = 2027 }), "birthYear")
	check(t, "headcount", d.hold(func(rec *dialogue.Record) { rec.Headcount.AdultMen = r.Headcount.Max }), d.hold(func(rec *dialogue.Record) { rec.Headcount.AdultMen = r.Headcount.Max + 1 }), "headcount.adultMen")
	check(t, "duration", d.hold(func(rec *dialogue.Record) { rec.DurationMinutes = r.DurationMinutes.Max }), d.hold(func(rec *dialogue.Record) { rec.DurationMinutes = r.DurationMinutes.Max + 1 }), "durationMinutes")

}

func TestTheFormsLengthsAreTheDomains(t *testing.T) {
	r, d := readRules(t), newDeciders()
	lengths := map[string]struct {
		field string
		of    func(string) []string
	}{
		"title":    {"title", func(s string) []string { return d.hold(func(rec *dialogue.Record) { rec.Title = s }) }},
		"topic":    {"topics[0]", func(s string) []string { return d.hold(func(rec *dialogue.Record) { rec.Topics = []string{s} }) }},
		"locality": {"locality", func(s string) []string { return d.hold(func(rec *dialogue.Record) { rec.Locality = s }) }},
		"language": {"language", func(s string) []string { return d.hold(func(rec *dialogue.Record) { rec.Language = s }) }},
		"concernSummary": {"concerns[0].summary", func(s string) []string {
			return d.hold(func(rec *dialogue.Record) { rec.Concerns = []dialogue.Concern{{Category: "security", Summary: s}} })
		}},
		"commitmentText": {"text", func(s string) []string { return d.makeCommitment(func(p *commitment.Promise) { p.Text = s }) }},
		"note": {"note", func(s string) []string {
			return d.act(commitment.ReportProgress{ReportedOn: d.today, Status: "on-track", Note: s})
		}},
		"evidence":     {"evidence[0]", func(s string) []string { return d.act(commitment.Fulfil{On: d.today, Evidence: []string{s}}) }},
		"reviseReason": {"reason", func(s string) []string { return d.act(commitment.ReviseDueDate{DueOn: d.today, Reason: s}) }},
		"outcomeText":  {"description", func(s string) []string { return d.harvest(func(r *outcome.Record) { r.Description = s }) }},
		"tag":          {"tags[0]", func(s string) []string { return d.harvest(func(r *outcome.Record) { r.Tags = []string{s} }) }},
		"retractReason": {"reason", func(s string) []string {
			_, err := dialogue.Decide(dialogue.State{Exists: true}, dialogue.Retract{Reason: s}, d.env)
			return fieldsAtFault(err)
		}},
	}
	for name, max := range r.MaxLength {
		l, ok := lengths[name]
		if !ok {
			continue // a rule of a form this test does not decide (notes, reasons)
		}
		check(t, "length of "+name, l.of(strings.Repeat("a", max)), l.of(strings.Repeat("a", max+1)), l.field)
		// In characters (code points), as the app counts them: an emoji or
		// an Adlam letter is one, though two UTF-16 units and four bytes.
		check(t, "length in emoji of "+name, l.of(strings.Repeat("😀", max)), l.of(strings.Repeat("😀", max+1)), l.field)
		check(t, "length in Adlam of "+name, l.of(strings.Repeat("𞤀", max)), l.of(strings.Repeat("𞤀", max+1)), l.field)
	}
}
