package commitments_test

import (
	"bytes"
	"context"
	"errors"
	"github.com/palabre/palabre/projections"
	"slices"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"pgregory.net/rapid"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections/commitments"
)

var now = time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)

// TestFiguresMatchASimpleRecomputation takes commitments through every
// status via the real handler and store, and checks the model's figures
// for random queries against a plain recomputation from the raw events.
func TestFiguresMatchASimpleRecomputation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, now)
		defer env.Close()
		store, h := env.Store, env.Handler
		ctx := context.Background()
		meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make()} }
		date := func(l string) domain.Date {
			return domain.NewDate(2026, time.Month(rapid.IntRange(1, 6).Draw(rt, l+"M")), rapid.IntRange(1, 28).Draw(rt, l+"D"))
		}
		run := func(err error) {
			if err != nil && !errors.Is(err, domain.ErrRejected) {
				rt.Fatal(err)
			}
		}
		var holders, spaces, made []domain.ID
		rt.Repeat(map[string]func(*rapid.T){
			"register": func(rt *rapid.T) {
				m := meta()
				_, err := commands.Stakeholder.Execute(ctx, h, m.CommandID, stakeholder.Register{Profile: stakeholder.Profile{Name: "S", Type: "mayor", Level: "local", Region: rapid.SampledFrom([]string{"gao", "kidal"}).Draw(rt, "hregion")}}, m)
				run(err)
				holders = append(holders, m.CommandID)
			},
			"establish": func(rt *rapid.T) {
				m := meta()
				_, err := commands.Space.Execute(ctx, h, m.CommandID, space.Establish{Details: space.Details{Name: "E", Kind: "other", Region: rapid.SampledFrom([]string{"gao", "kidal"}).Draw(rt, "sregion"), Pillar: "justice"}, EstablishedOn: domain.NewDate(2025, 1, 1)}, m)
				run(err)
				spaces = append(spaces, m.CommandID)
			},
			"make": func(rt *rapid.T) {
				if len(holders) == 0 {
					return
				}
				m := meta()
				p := commitment.Promise{StakeholderID: rapid.SampledFrom(holders).Draw(rt, "holder"), Text: "t", Pillar: rapid.SampledFrom(domain.Pillars).Draw(rt, "pillar"), MadeOn: date("made")}
				if len(spaces) > 0 && rapid.Bool().Draw(rt, "inSpace") {
					s := rapid.SampledFrom(spaces).Draw(rt, "space")
					p.SpaceID = &s
				}
				if rapid.Bool().Draw(rt, "due") {
					p.DueOn = domain.DateOf(p.MadeOn.Time().AddDate(0, 0, rapid.IntRange(0, 120).Draw(rt, "dueIn")))
				}
				_, err := commands.Commitment.Execute(ctx, h, m.CommandID, commitment.Make{Promise: p}, m)
				run(err)
				if err == nil {
					made = append(made, m.CommandID)
				}
			},
			"follow up": func(rt *rapid.T) {
				if len(made) == 0 {
					return
				}
				on := domain.DateOf(now).Time().AddDate(0, 0, -rapid.IntRange(0, 40).Draw(rt, "ago"))
				cmd := rapid.SampledFrom([]commitment.Command{
					commitment.ReportProgress{ReportedOn: domain.DateOf(on), Status: "on-track"},
					commitment.ReviseDueDate{DueOn: domain.DateOf(on), Reason: "r"},
					commitment.Fulfil{On: domain.DateOf(on)}, commitment.Break{On: domain.DateOf(on)}, commitment.Withdraw{On: domain.DateOf(on)},
				}).Draw(rt, "cmd")
				_, err := commands.Commitment.Execute(ctx, h, rapid.SampledFrom(made).Draw(rt, "which"), cmd, meta())
				run(err)
			},
		})

		model := commitments.New(func() time.Time { return now })
		var raw []events.RecordedEvent
		for rec, err := range store.ReadAll(ctx, events.Start, 0) {
			if err != nil {
				rt.Fatal(err)
			}
			if err := model.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
				rt.Fatal(err)
			}
			raw = append(raw, rec)
		}
		var snap bytes.Buffer
		model.Snapshot(&snap)
		restored := commitments.New(func() time.Time { return now })
		if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
			rt.Fatal(err)
		}
		for range 5 {
			var q commitments.Query
			if len(holders) > 0 && rapid.Bool().Draw(rt, "qholder") {
				id := rapid.SampledFrom(holders).Draw(rt, "qh")
				q.StakeholderID = &id
			}
			if rapid.Bool().Draw(rt, "qregion") {
				q.Region = rapid.SampledFrom([]string{"gao", "kidal"}).Draw(rt, "qr")
			}
			q.Overdue = rapid.IntRange(0, 4).Draw(rt, "qoverdue") == 0
			want := recompute(rt, raw, q)
			for _, m := range []*commitments.Model{model, restored} {
				if got := m.Figures(q); got != want {
					rt.Fatalf("query %+v:\n got %+v\nwant %+v", q, got, want)
				}
			}
		}
	})
}

// recompute replays the raw events into plain records and counts.
func recompute(rt *rapid.T, raw []events.RecordedEvent, q commitments.Query) commitments.Figures {
	type rec struct {
		holder, space  domain.ID
		inSpace        bool
		made, due, end domain.Date
		status         string
	}
	codec := registry.Codec()
	all := map[domain.ID]*rec{}
	region := map[domain.ID]string{}
	for _, r := range raw {
		e, err := codec.Decode(r.Type, 1, r.Data)
		if err != nil {
			rt.Fatal(err)
		}
		id := ulid.MustParse(r.Stream[len(r.Stream)-26:])
		switch e := e.(type) {
		case stakeholder.Registered:
			region[id] = e.Region
		case space.Established:
			region[id] = e.Region
		case commitment.Made:
			c := &rec{holder: e.StakeholderID, made: e.MadeOn, due: e.DueOn, status: "open"}
			if e.SpaceID != nil {
				c.space, c.inSpace = *e.SpaceID, true
			}
			all[id] = c
		case commitment.DueDateRevised:
			all[id].due = e.DueOn
		case commitment.FulfilledEvent:
			all[id].status, all[id].end = "fulfilled", e.On
		case commitment.BrokenEvent:
			all[id].status = "broken"
		case commitment.WithdrawnEvent:
			all[id].status = "withdrawn"
		}
	}
	today := domain.DateOf(now)
	var f commitments.Figures
	var days []int
	for _, c := range all {
		r := region[c.holder]
		if c.inSpace {
			r = region[c.space]
		}
		overdue := c.status == "open" && !c.due.IsZero() && c.due.Before(today)
		if q.StakeholderID != nil && c.holder != *q.StakeholderID || q.Region != "" && r != q.Region || q.Overdue && !overdue {
			continue
		}
		f.Made++
		switch c.status {
		case "open":
			f.Open++
			if overdue {
				f.Overdue++
			}
		case "fulfilled":
			f.Fulfilled++
			days = append(days, int(c.end.Time().Sub(c.made.Time()).Hours()/24))
		case "broken":
			f.Broken++
		case "withdrawn":
			f.Withdrawn++
		}
	}
	if f.Fulfilled+f.Broken > 0 {
		f.FulfilmentRate = float64(f.Fulfilled) / float64(f.Fulfilled+f.Broken)
	}
	slices.Sort(days)
	if n := len(days); n > 0 {
		f.MedianDaysToFulfilment = float64(days[(n-1)/2]+days[n/2]) / 2
	}
	return f
}
