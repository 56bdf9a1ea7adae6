package reporttest

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/events/pebblestore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Fixture is a small log whose every figure is counted by hand in
// the comments: two spaces meeting in 2025 (Mopti, Gao), one in 2024 (a
// second Gao space), four registered participants in Mopti, headcounts,
// three commitments, and a framework with an indicator per rule and two
// entered by hand.
type Fixture struct {
	// now is when the handler records what it is sent: the first of
	// March 2026, then Later's.
	now         time.Time
	Handler     *commands.Handler
	Store       *pebblestore.Store
	FrameworkID domain.ID
	Mopti       domain.ID // the Mopti space
	Gao         domain.ID // "CCS de Gao", which MoveGaoToMopti moves
}

// Clock is the fixture's server clock: 1 June 2026.
// Clock is the read service's: 1 June 2026.
var Clock = func() time.Time { return time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC) }

// Recorded is when the fixture's log was recorded; Later records more a
// month after.
var Recorded = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func New(t testing.TB) *Fixture {
	t.Helper()
	dir := t.TempDir()
	f := &Fixture{now: Recorded}
	store, err := pebblestore.Open(dir, &pebblestore.Options{Clock: func() time.Time { return f.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, err := keystore.Open(filepath.Join(dir, "keys"), bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	f.Store = store
	f.Handler = commands.New(store, refdata.Default(), &commands.Options{Keys: keys, CodeKey: keys.Secret(participant.CodeKeyPurpose), Clock: func() time.Time { return f.now }})
	f.log(t)
	f.defineFramework(t)
	return f
}

func (f *Fixture) send(t testing.TB, agg func(context.Context, *commands.Handler, domain.ID, commands.Meta) error) domain.ID {
	t.Helper()
	m := commands.Meta{CommandID: ulid.Make(), RecordedBy: "fixture"}
	if err := agg(context.Background(), f.Handler, m.CommandID, m); err != nil {
		t.Fatal(err)
	}
	return m.CommandID
}

func do[S any, C any, E domain.Event, X any](a *commands.Aggregate[S, C, E], id *domain.ID, x X) func(context.Context, *commands.Handler, domain.ID, commands.Meta) error {
	return func(ctx context.Context, h *commands.Handler, own domain.ID, m commands.Meta) error {
		target := own
		if id != nil {
			target = *id
		}
		_, err := a.Execute(ctx, h, target, any(x).(C), m)
		return err
	}
}

func (f *Fixture) log(t testing.TB) {
	d := domain.NewDate
	governor := f.send(t, do(commands.Stakeholder, nil, stakeholder.Register{Profile: stakeholder.Profile{Name: "Gouvernorat de Mopti", Type: "governor", Level: "regional", Region: "mopti"}}))
	establish := func(name, region string) domain.ID {
		return f.send(t, do(commands.Space, nil, space.Establish{Details: space.Details{Name: name, Kind: "security-advisory-committee", Region: region, Pillar: "security"}, EstablishedOn: d(2024, 1, 5)}))
	}
	f.Mopti = establish("CCS de Mopti", "mopti")
	gao1, gao2 := establish("CCS de Gao", "gao"), establish("CCS de Bourem", "gao")
	f.Gao = gao1
	// Mopti's four: two women of 30 in 2025 (youth), a man of 55, a man
	// of 25 (youth); the first and the third pastoralists.
	var attendees []dialogue.Attendee
	for i, p := range []participant.Profile{
		{Code: "MOP-1", Sex: "female", BirthYear: 1995, Groups: []string{"pastoralists"}},
		{Code: "MOP-2", Sex: "female", BirthYear: 1995},
		{Code: "MOP-3", Sex: "male", BirthYear: 1970, Groups: []string{"pastoralists"}},
		{Code: "MOP-4", Sex: "male", BirthYear: 2000},
	} {
		p.Displacement, p.Region = "none", "mopti"
		m := commands.Meta{CommandID: ulid.Make(), RecordedBy: "fixture"}
		if _, err := f.Handler.Enrol(context.Background(), m.CommandID, participant.Enrol{Profile: p, Consent: participant.Consent{Given: true, On: d(2025, 1, 2+i)}}, keystore.Identity{Name: p.Code}, m); err != nil {
			t.Fatal(err)
		}
		attendees = append(attendees, dialogue.Attendee{ParticipantID: m.CommandID})
	}
	hold := func(spaceID domain.ID, on domain.Date, a []dialogue.Attendee, h dialogue.Headcount) {
		f.send(t, do(commands.Dialogue, nil, dialogue.Hold{Record: dialogue.Record{SpaceID: spaceID, HeldOn: on, Format: "committee-meeting", Pillar: "security", Attendance: dialogue.Attendance{Attendees: a, Headcount: h}}}))
	}
	// Mopti, 2025: 4 registered + 10 counted = 14; women 2 + 5 = 7; men
	// 2 + 5 = 7; youth 3 + 4 = 7; with disabilities 2; pastoralists 2.
	hold(f.Mopti, d(2025, 3, 10), attendees, dialogue.Headcount{YoungWomen: 3, AdultWomen: 2, YoungMen: 1, AdultMen: 4, WithDisabilities: 2})
	// Gao, 2025: 14; women 6; men 8; youth 7; with disabilities 3.
	hold(gao1, d(2025, 6, 5), nil, dialogue.Headcount{YoungWomen: 2, AdultWomen: 4, YoungMen: 5, AdultMen: 3, WithDisabilities: 3})
	// Bourem, 2024 only.
	hold(gao2, d(2024, 11, 1), nil, dialogue.Headcount{AdultWomen: 5, AdultMen: 5})
	// Commitments: security at Mopti fulfilled in 2025, justice at Gao
	// fulfilled in 2025, security at Gao broken.
	for _, c := range []struct {
		spaceID domain.ID
		pillar  string
		end     commitment.Command
	}{{f.Mopti, "security", commitment.Fulfil{On: d(2025, 5, 1)}}, {gao1, "justice", commitment.Fulfil{On: d(2025, 7, 1)}}, {gao1, "security", commitment.Break{On: d(2025, 8, 1)}}} {
		id := f.send(t, do(commands.Commitment, nil, commitment.Make{Promise: commitment.Promise{StakeholderID: governor, SpaceID: &c.spaceID, Text: "Patrouilles", Pillar: c.pillar, MadeOn: d(2025, 2, 1), DueOn: d(2025, 12, 1)}}))
		f.send(t, do(commands.Commitment, &id, c.end))
	}
	// Outcomes: a change of policy in Mopti in 2025, one of practice in
	// Gao in 2025, one of policy in Mopti in 2024.
	for _, o := range []struct {
		changeType, region string
		on                 domain.Date
	}{{"policy", "mopti", d(2025, 4, 1)}, {"practice", "gao", d(2025, 5, 1)}, {"policy", "mopti", d(2024, 6, 1)}} {
		f.send(t, do(commands.Outcome, nil, outcome.Harvest{Record: outcome.Record{ActorID: governor, ChangeType: o.changeType, On: o.on, Region: o.region,
			Description: "Le gouverneur consulte le CCS", Significance: "Première fois", Contribution: "Plaidoyer"}}))
	}
}

// Later records, on the first of May 2026, another Mopti dialogue of
// 2025 (12 more attendances) and Mopti's value of I6 corrected to 2:
// what a report as of an earlier moment must not show.
func (f *Fixture) Later(t testing.TB) {
	t.Helper()
	f.now = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	f.send(t, do(commands.Dialogue, nil, dialogue.Hold{Record: dialogue.Record{SpaceID: f.Mopti, HeldOn: domain.NewDate(2025, 9, 1), Format: "committee-meeting", Pillar: "security",
		Attendance: dialogue.Attendance{Headcount: dialogue.Headcount{YoungWomen: 6, AdultMen: 6}}}}))
	f.send(t, do(commands.For(framework.Aggregate), &f.FrameworkID, framework.RecordValue{Value: framework.Value{IndicatorKey: "I6", Year: 2025, PartnerKey: "MOP", Value: num(2), Evidence: []string{"Arrêté régional 2025-14", "Arrêté 2025-20"}}}))
}

// MoveGaoToMopti records, on the first of May 2026, "CCS de Gao" moved
// to Mopti (SpaceDetailsChanged with a new region): a view as of an
// earlier moment finds it in Gao, its dialogue of June 2025 with it.
func (f *Fixture) MoveGaoToMopti(t testing.TB) {
	t.Helper()
	f.now = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	f.send(t, do(commands.Space, &f.Gao, space.ChangeDetails{Details: space.Details{Name: "CCS de Gao", Kind: "security-advisory-committee", Region: "mopti", Pillar: "security"}}))
}

// num is a value for a pointer field.
func num(x float64) *float64 { return &x }

func (f *Fixture) defineFramework(t testing.TB) {
	fw := commands.For(framework.Aggregate)
	f.FrameworkID = f.send(t, do(fw, nil, framework.Define{Programme: framework.Programme{
		Title: "Redevabilité", Identifier: "NL-KVK-1-PAL", ReportingOrg: framework.Organisation{Ref: "NL-KVK-1", Name: "Alliance", Type: "21"},
		Country: "ML", StartOn: domain.NewDate(2024, 1, 1), EndOn: domain.NewDate(2025, 12, 31),
		Vocabulary: framework.Vocabulary{Name: "Basket", URI: "https://example.org/basket"},
		Partners:   []framework.Partner{{Key: "MOP", Name: "Partenaire de Mopti", Type: "22", Regions: []string{"mopti"}}, {Key: "GAO", Name: "Partenaire de Gao", Type: "22", Regions: []string{"gao"}}},
	}}))
	id := &f.FrameworkID
	f.send(t, do(fw, id, framework.SetOutcome{Outcome: framework.Outcome{Key: "O1", Title: "Les autorités rendent compte"}}))
	f.send(t, do(fw, id, framework.SetResult{Result: framework.Result{Key: "R1", OutcomeKey: "O1", Type: "outcome", Title: "Concertation inclusive"}}))
	for _, in := range []framework.Indicator{
		{Key: "I1", Title: "Participations", Measure: "unit", Rule: "participants-reached", Baseline: framework.Baseline{Year: 2024, Value: num(0)}, Targets: []framework.Target{{Year: 2025, Value: num(20)}}, References: []string{"SCS-3"}},
		{Key: "I2", Title: "Espaces réunis", Measure: "unit", Rule: "spaces-meeting", Baseline: framework.Baseline{Year: 2023, Value: num(0)}, Targets: []framework.Target{{Year: 2025, Value: num(4)}}},
		{Key: "I3", Title: "Engagements de sécurité tenus", Measure: "unit", Rule: "commitments-fulfilled", Params: framework.RuleParams{Pillar: "security"}, Baseline: framework.Baseline{Year: 2024, Value: num(0)}},
		{Key: "I4", Title: "Part des pasteurs", Measure: "percentage", Rule: "excluded-group-share", Params: framework.RuleParams{Group: "pastoralists"}, Baseline: framework.Baseline{Year: 2024, Value: num(0)}},
		{Key: "I5", Title: "Pratique des autorités", Measure: "qualitative", Baseline: framework.Baseline{Year: 2024, Comment: "Aucune redevabilité"}},
		{Key: "I7", Title: "Changements de politique", Measure: "unit", Rule: "outcomes-harvested", Params: framework.RuleParams{ChangeType: "policy"}, Baseline: framework.Baseline{Year: 2024, Value: num(0)}},
		{Key: "I6", Title: "Lois améliorées", Measure: "unit", Baseline: framework.Baseline{Year: 2024, Value: num(0)}, Targets: []framework.Target{{Year: 2025, Value: num(2)}}, References: []string{"SCS-1"}},
	} {
		in.ResultKey, in.Ascending = "R1", true
		f.send(t, do(fw, id, framework.SetIndicator{Indicator: in}))
	}
	f.send(t, do(fw, id, framework.RecordValue{Value: framework.Value{IndicatorKey: "I5", Year: 2025, Comment: "Le gouverneur rend compte au CCS", Evidence: []string{"PV du CCS, 10 mars 2025"}}}))
	f.send(t, do(fw, id, framework.RecordValue{Value: framework.Value{IndicatorKey: "I6", Year: 2025, PartnerKey: "MOP", Value: num(1), Evidence: []string{"Arrêté régional 2025-14"}}}))
}

// Service reads the fixture's log under a disclosure method.
func (f *Fixture) Service(t testing.TB, disclosure read.Disclosure, threshold int) *read.Service {
	t.Helper()
	inc, com, fws, out, holders := inclusion.NewKeyed([]byte("fixture secret")), commitments.New(Clock), frameworks.New(), outcomes.New(), stakeholders.New()
	if _, _, err := projections.Replay(context.Background(), f.Store, inc, com, fws, out, holders); err != nil {
		t.Fatal(err)
	}
	svc, err := read.New(read.Config{Inclusion: inc, Commitments: com, Frameworks: fws, Outcomes: out, Stakeholders: holders, Disclosure: disclosure, SmallCells: threshold, Clock: Clock,
		AsOf: projections.NewAsOf(f.Store, 8)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}
