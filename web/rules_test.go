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

// TestTheFormsRulesAreTheDomains checks each rule of src/rules.json
// against the domain's own deciders, at its bound and just past it, so
// that the device refuses as one types exactly what the server would
// refuse later in the outbox.
func TestTheFormsRulesAreTheDomains(t *testing.T) {
	raw, err := os.ReadFile("src/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var r rules
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	today := domaintest.Date(2026, 5, 10)
	tomorrow := domaintest.Date(2026, 5, 11)
	space, holder := domaintest.ID(1), domaintest.ID(2)
	env := domain.Env{Today: today, Reference: refdata.Default(),
		Lookup: domaintest.Facts{Spaces: map[domain.ID]domain.SpaceFacts{space: {Region: "gao"}}, Stakeholders: map[domain.ID]domain.StakeholderFacts{holder: {Region: "gao"}}}}

	hold := func(change func(*dialogue.Record)) []string {
		rec := dialogue.Record{SpaceID: space, HeldOn: today, Format: "workshop", Pillar: "security"}
		change(&rec)
		_, err := dialogue.Decide(dialogue.State{}, dialogue.Hold{Record: rec}, env)
		return fieldsAtFault(err)
	}
	enrol := func(change func(*participant.Enrol)) []string {
		c := participant.Enrol{Profile: participant.Profile{Code: "GAO-1", Sex: "female", BirthYear: 1990, Displacement: "none", Region: "gao"},
			Consent: participant.Consent{Given: true, On: today}}
		change(&c)
		_, err := participant.Decide(participant.State{}, c, env)
		return fieldsAtFault(err)
	}
	promise := commitment.Promise{StakeholderID: holder, Text: "t", Pillar: "security", MadeOn: today}
	makeCommitment := func(change func(*commitment.Promise)) []string {
		p := promise
		change(&p)
		_, err := commitment.Decide(commitment.State{}, commitment.Make{Promise: p}, env)
		return fieldsAtFault(err)
	}
	act := func(c commitment.Command) []string {
		_, err := commitment.Decide(commitment.State{Exists: true, Promise: promise, Status: commitment.Open}, c, env)
		return fieldsAtFault(err)
	}
	report := func(on domain.Date) []string {
		return act(commitment.ReportProgress{ReportedOn: on, Status: "on-track"})
	}
	check := func(rule string, atBound, past []string, field string) {
		t.Helper()
		if slices.Contains(atBound, field) || !slices.Contains(past, field) {
			t.Errorf("%s: at the bound the domain refuses %v, past it %v; the forms refuse %s only past it", rule, atBound, past, field)
		}
	}

	dates := map[string]func(domain.Date) []string{
		"heldOn":     func(d domain.Date) []string { return hold(func(r *dialogue.Record) { r.HeldOn = d }) },
		"consentOn":  func(d domain.Date) []string { return enrol(func(c *participant.Enrol) { c.Consent.On = d }) },
		"madeOn":     func(d domain.Date) []string { return makeCommitment(func(p *commitment.Promise) { p.MadeOn = d }) },
		"reportedOn": report,
		"on":         func(d domain.Date) []string { return act(commitment.Fulfil{On: d}) },
	}
	field := map[string]string{"heldOn": "heldOn", "consentOn": "consent.on", "madeOn": "madeOn", "reportedOn": "reportedOn", "on": "on"}
	for _, name := range r.NotAfterToday {
		decide, ok := dates[name]
		if !ok {
			t.Errorf("rules.json names the date %q, which this test does not know", name)
			continue
		}
		check("not after today: "+name, decide(today), decide(tomorrow), field[name])
	}

	// What happens to a commitment happens on or after the day it was made.
	made, dayBefore := today, domaintest.Date(2026, 5, 9)
	promise.MadeOn = made
	notBefore := map[string]func(domain.Date) []string{
		"reportedOn": report,
		"on":         func(d domain.Date) []string { return act(commitment.Fulfil{On: d}) },
		"dueOn":      func(d domain.Date) []string { return act(commitment.ReviseDueDate{DueOn: d, Reason: "r"}) },
	}
	for _, name := range r.NotBeforeMade {
		decide, ok := notBefore[name]
		if !ok {
			t.Errorf("rules.json names the date %q, which this test does not know", name)
			continue
		}
		check("not before made: "+name, decide(made), decide(dayBefore), name)
	}

	code := regexp.MustCompile(r.Code.Pattern)
	for _, c := range []string{"GAO-0100", "a", "x_1", strings.Repeat("A", 40), strings.Repeat("A", 41), "-GAO", "GAO 1", "Aïcha", ""} {
		refused := slices.Contains(enrol(func(e *participant.Enrol) { e.Code = c }), "code")
		if refused == code.MatchString(c) {
			t.Errorf("the code %q: the domain refuses it %v, the forms' pattern matches it %v", c, refused, code.MatchString(c))
		}
	}
	check("birth year", enrol(func(e *participant.Enrol) { e.BirthYear = r.BirthYear.Min }), enrol(func(e *participant.Enrol) { e.BirthYear = r.BirthYear.Min - 1 }), "birthYear")
	check("birth year this year at most", enrol(func(e *participant.Enrol) { e.BirthYear = 2026 }), enrol(func(e *participant.Enrol) { e.BirthYear = 2027 }), "birthYear")
	check("headcount", hold(func(d *dialogue.Record) { d.Headcount.AdultMen = r.Headcount.Max }), hold(func(d *dialogue.Record) { d.Headcount.AdultMen = r.Headcount.Max + 1 }), "headcount.adultMen")
	check("duration", hold(func(d *dialogue.Record) { d.DurationMinutes = r.DurationMinutes.Max }), hold(func(d *dialogue.Record) { d.DurationMinutes = r.DurationMinutes.Max + 1 }), "durationMinutes")

	lengths := map[string]struct {
		field string
		of    func(string) []string
	}{
		"title":    {"title", func(s string) []string { return hold(func(d *dialogue.Record) { d.Title = s }) }},
		"topic":    {"topics[0]", func(s string) []string { return hold(func(d *dialogue.Record) { d.Topics = []string{s} }) }},
		"locality": {"locality", func(s string) []string { return hold(func(d *dialogue.Record) { d.Locality = s }) }},
		"language": {"language", func(s string) []string { return hold(func(d *dialogue.Record) { d.Language = s }) }},
		"concernSummary": {"concerns[0].summary", func(s string) []string {
			return hold(func(d *dialogue.Record) { d.Concerns = []dialogue.Concern{{Category: "security", Summary: s}} })
		}},
		"commitmentText": {"text", func(s string) []string { return makeCommitment(func(p *commitment.Promise) { p.Text = s }) }},
		"note": {"note", func(s string) []string {
			return act(commitment.ReportProgress{ReportedOn: today, Status: "on-track", Note: s})
		}},
		"evidence":     {"evidence[0]", func(s string) []string { return act(commitment.Fulfil{On: today, Evidence: []string{s}}) }},
		"reviseReason": {"reason", func(s string) []string { return act(commitment.ReviseDueDate{DueOn: today, Reason: s}) }},
		"retractReason": {"reason", func(s string) []string {
			_, err := dialogue.Decide(dialogue.State{Exists: true}, dialogue.Retract{Reason: s}, env)
			return fieldsAtFault(err)
		}},
	}
	for name, max := range r.MaxLength {
		l, ok := lengths[name]
		if !ok {
			continue // a rule of a form this test does not decide (notes, reasons)
		}
		check("length of "+name, l.of(strings.Repeat("a", max)), l.of(strings.Repeat("a", max+1)), l.field)
	}
}
