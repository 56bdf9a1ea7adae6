package inclusion_test

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/palabre/palabre/projections"

	"github.com/oklog/ulid/v2"
	"pgregory.net/rapid"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/inclusion"
)

// TestFiguresMatchASimpleRecomputation generates random valid histories
// through the real handler and store — enrolments, corrections, erasures,
// dialogues with corrections and retractions — and checks every figure of
// random queries against a deliberately simple recomputation from the raw
// events. It also checks that a snapshot restores to the same answers and
// that the same events give the same snapshot bytes.
func TestFiguresMatchASimpleRecomputation(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		defer env.Close()
		spaces := randomHistory(rt, env)
		model, restored, raw := replayAndRestore(rt, env.Store)
		simple := recompute(rt, raw)
		for range 5 {
			checkQuery(rt, model, restored, simple, randomQuery(rt, spaces))
		}
	})
}

// A region's exact figures of whole months are kept between questions
// and dropped when a dialogue of the month changes or a space moves:
// asked between events, a region's view must still be the simple
// recomputation of the events so far, asked again or not.
func TestRegionViewsKeptByMonthFollowEveryChange(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		defer env.Close()
		randomHistory(rt, env)
		model := inclusion.New()
		var raw []events.RecordedEvent
		for rec, err := range env.Store.ReadAll(context.Background(), events.Start, 0) {
			if err != nil {
				rt.Fatal(err)
			}
			if err := model.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
				rt.Fatal(err)
			}
			raw = append(raw, rec)
			if !rapid.Bool().Draw(rt, "ask") {
				continue
			}
			simple := recompute(rt, raw)
			for _, region := range []string{"", "gao", "mopti"} {
				checkView(rt, model, simple, inclusion.Query{Region: region, From: domain.NewDate(2025, 1, 1), To: domain.NewDate(2026, 12, 31), Bucket: inclusion.Month})
				checkView(rt, model, simple, inclusion.Query{Region: region, From: domain.NewDate(2025, 2, 10), To: domain.NewDate(2026, 6, 30), Bucket: inclusion.Quarter})
			}
			q := randomQuery(rt, nil)
			q.From, q.To = randomDate(rt, "from"), randomDate(rt, "to")
			if q.To.Before(q.From) {
				q.From, q.To = q.To, q.From
			}
			checkView(rt, model, simple, q)
		}
	})
}

// checkView checks a view's total and rows against the simple
// recomputation.
func checkView(rt *rapid.T, m *inclusion.Model, simple *world, q inclusion.Query) {
	v, err := m.View(context.Background(), q)
	if err != nil {
		rt.Fatal(err)
	}
	v = withoutKeys(v)
	if want := simple.total(q); !reflect.DeepEqual(v.Total, want) {
		rt.Fatalf("query %+v:\n got %+v\nwant %+v", q, v.Total, want)
	}
	if q.Bucket != inclusion.NoBucket && len(v.Rows) != inclusion.Buckets(q.From, q.To, q.Bucket) {
		rt.Fatalf("query %+v: %d rows, want %d", q, len(v.Rows), inclusion.Buckets(q.From, q.To, q.Bucket))
	}
	for _, row := range v.Rows {
		sub := q
		sub.From, sub.To = row.Period.From, row.Period.To
		if w := simple.total(sub); !reflect.DeepEqual(row.Figures, w) {
			rt.Fatalf("query %+v, bucket %v:\n got %+v\nwant %+v", q, row.Period, row.Figures, w)
		}
	}
}

// randomHistory sends random commands through the real handler —
// enrolments, corrections, erasures, dialogues with corrections and
// retractions — and returns the spaces established.
func randomHistory(rt *rapid.T, env *commandstest.Env) (spaces []domain.ID) {
	h, ctx := env.Handler, context.Background()
	var people, dialogues []domain.ID
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make()} }
	run := func(err error) {
		if err != nil && !errors.Is(err, domain.ErrRejected) {
			rt.Fatal(err)
		}
	}
	rt.Repeat(map[string]func(*rapid.T){
		"establish a space": func(rt *rapid.T) {
			m := meta()
			_, err := commands.Space.Execute(ctx, h, m.CommandID, space.Establish{Details: space.Details{Name: "S", Kind: "other", Region: rapid.SampledFrom([]string{"gao", "mopti"}).Draw(rt, "region"), Pillar: rapid.SampledFrom(domain.Pillars).Draw(rt, "pillar")}, EstablishedOn: domain.NewDate(2024, 1, 1)}, m)
			run(err)
			if err == nil {
				spaces = append(spaces, m.CommandID)
			}
		},
		"move a space to another region": func(rt *rapid.T) {
			if len(spaces) > 0 {
				_, err := commands.Space.Execute(ctx, h, rapid.SampledFrom(spaces).Draw(rt, "moved"), space.ChangeDetails{Details: space.Details{Name: "S", Kind: "other", Region: rapid.SampledFrom([]string{"gao", "mopti"}).Draw(rt, "newRegion"), Pillar: "security"}}, meta())
				run(err)
			}
		},
		"enrol": func(rt *rapid.T) {
			m := meta()
			_, err := h.Enrol(ctx, m.CommandID, participant.Enrol{Profile: randomProfile(rt), Consent: participant.Consent{Given: true, On: domain.NewDate(2024, 1, 1)}}, keystore.Identity{Name: "x"}, m)
			run(err)
			if err == nil {
				people = append(people, m.CommandID)
			}
		},
		"correct a profile": func(rt *rapid.T) {
			if len(people) > 0 {
				_, err := h.CorrectParticipant(ctx, rapid.SampledFrom(people).Draw(rt, "who"), participant.CorrectProfile{Profile: randomProfile(rt)}, nil, meta())
				run(err)
			}
		},
		"erase": func(rt *rapid.T) {
			if len(people) > 0 {
				i := rapid.IntRange(0, len(people)-1).Draw(rt, "erased")
				_, err := h.Erase(ctx, people[i], participant.Erase{ErasedOn: domain.NewDate(2026, 12, 1)}, meta())
				run(err)
				people = append(people[:i:i], people[i+1:]...)
			}
		},
		"hold a dialogue": func(rt *rapid.T) {
			if len(spaces) == 0 {
				return
			}
			m := meta()
			_, err := commands.Dialogue.Execute(ctx, h, m.CommandID, dialogue.Hold{Record: dialogue.Record{SpaceID: rapid.SampledFrom(spaces).Draw(rt, "space"), HeldOn: randomDate(rt, "held"), Format: "workshop", Pillar: rapid.SampledFrom(domain.Pillars).Draw(rt, "pillar"), Attendance: randomAttendance(rt, people)}}, m)
			run(err)
			if err == nil {
				dialogues = append(dialogues, m.CommandID)
			}
		},
		"correct or retract a dialogue": func(rt *rapid.T) {
			if len(dialogues) == 0 {
				return
			}
			id := rapid.SampledFrom(dialogues).Draw(rt, "dialogue")
			var err error
			switch rapid.IntRange(0, 2).Draw(rt, "how") {
			case 0:
				_, err = commands.Dialogue.Execute(ctx, h, id, dialogue.Retract{Reason: "r"}, meta())
			case 1:
				_, err = commands.Dialogue.Execute(ctx, h, id, dialogue.CorrectAttendance{Attendance: randomAttendance(rt, people)}, meta())
			default: // an edited submission: another date and pillar too
				held, _, loadErr := commands.Dialogue.Load(ctx, h, id)
				run(loadErr)
				r := held.Record
				r.HeldOn, r.Pillar, r.Attendance = randomDate(rt, "corrected"), rapid.SampledFrom(domain.Pillars).Draw(rt, "newPillar"), randomAttendance(rt, people)
				_, err = commands.Dialogue.Execute(ctx, h, id, dialogue.Correct{Record: r}, meta())
			}
			run(err)
		},
	})
	return spaces
}

func randomDate(rt *rapid.T, label string) domain.Date {
	return domain.NewDate(rapid.IntRange(2025, 2026).Draw(rt, label+"Y"), time.Month(rapid.IntRange(1, 12).Draw(rt, label+"M")), rapid.IntRange(1, 28).Draw(rt, label+"D"))
}

func randomProfile(rt *rapid.T) participant.Profile {
	p := participant.Profile{
		Code: "C-" + ulid.Make().String()[18:], Sex: rapid.SampledFrom(participant.Sexes).Draw(rt, "sex"),
		Displacement: rapid.SampledFrom(participant.Displacements).Draw(rt, "displacement"), Region: "gao",
		Functioning: participant.Functioning{Walking: rapid.SampledFrom(participant.Difficulties).Draw(rt, "walking")},
	}
	if rapid.Bool().Draw(rt, "band") {
		p.AgeBand = rapid.SampledFrom(participant.AgeBands).Draw(rt, "ageBand")
	} else {
		p.BirthYear = rapid.IntRange(1950, 2015).Draw(rt, "born")
	}
	if rapid.Bool().Draw(rt, "grouped") {
		p.Groups = []string{rapid.SampledFrom([]string{"pastoralists", "religious-minority"}).Draw(rt, "group")}
	}
	return p
}

func randomAttendance(rt *rapid.T, people []domain.ID) dialogue.Attendance {
	var a dialogue.Attendance
	chosen := map[domain.ID]bool{}
	for range rapid.IntRange(0, 5).Draw(rt, "registered") {
		if len(people) == 0 {
			break
		}
		id := rapid.SampledFrom(people).Draw(rt, "attendee")
		if !chosen[id] {
			chosen[id] = true
			a.Attendees = append(a.Attendees, dialogue.Attendee{ParticipantID: id, Spoke: rapid.Bool().Draw(rt, "spoke")})
		}
	}
	n := func(l string) int { return rapid.IntRange(0, 6).Draw(rt, l) }
	a.Headcount = dialogue.Headcount{YoungWomen: n("yw"), AdultWomen: n("aw"), YoungMen: n("ym"), AdultMen: n("am")}
	a.Headcount.WithDisabilities = rapid.IntRange(0, a.Headcount.Total()).Draw(rt, "wd")
	a.Headcount.Displaced = rapid.IntRange(0, a.Headcount.Total()).Draw(rt, "dp")
	return a
}

// replayAndRestore builds the model from the log, snapshots it and
// restores the snapshot into another, checking that the same events give
// the same bytes.
func replayAndRestore(rt *rapid.T, store events.Store) (model, restored *inclusion.Model, raw []events.RecordedEvent) {
	ctx := context.Background()
	model = inclusion.New()
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
	if err := model.Snapshot(&snap); err != nil {
		rt.Fatal(err)
	}
	restored = inclusion.New()
	if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		rt.Fatal(err)
	}
	var snap2 bytes.Buffer
	restored.Snapshot(&snap2)
	if !bytes.Equal(snap.Bytes(), snap2.Bytes()) {
		rt.Fatal("a restored snapshot does not snapshot to the same bytes")
	}
	return model, restored, raw
}

// randomQuery selects by space, region, pillar and dates, bucketed.
func randomQuery(rt *rapid.T, spaces []domain.ID) inclusion.Query {
	q := inclusion.Query{Bucket: inclusion.Bucket(rapid.IntRange(0, 3).Draw(rt, "bucket"))}
	switch rapid.IntRange(0, 2).Draw(rt, "scope") {
	case 0:
		if len(spaces) > 0 {
			id := rapid.SampledFrom(spaces).Draw(rt, "qspace")
			q.SpaceID = &id
		}
		if rapid.Bool().Draw(rt, "qspaceregion") { // filters combine: a space of another region selects nothing
			q.Region = rapid.SampledFrom([]string{"gao", "mopti"}).Draw(rt, "qregion")
		}
	case 1:
		q.Region = rapid.SampledFrom([]string{"gao", "mopti"}).Draw(rt, "qregion")
	}
	if rapid.Bool().Draw(rt, "qpillar") {
		q.Pillar = rapid.SampledFrom(domain.Pillars).Draw(rt, "pillarFilter")
	}
	if rapid.Bool().Draw(rt, "qdates") {
		q.From, q.To = randomDate(rt, "from"), randomDate(rt, "to")
		if q.To.Before(q.From) {
			q.From, q.To = q.To, q.From
		}
	}
	return q
}

// checkQuery checks every figure of a query, in the model and the
// restored one, against the simple recomputation, and the dialogues it
// lists.
func checkQuery(rt *rapid.T, model, restored *inclusion.Model, simple *world, q inclusion.Query) {
	var views []inclusion.View
	for _, m := range []*inclusion.Model{model, restored} {
		v, err := m.View(context.Background(), q)
		if err != nil {
			rt.Fatal(err)
		}
		views = append(views, v)
		checkList(rt, m, q, v.Total)
		if first, last := m.Span(); first != simple.first() || last != simple.last() {
			rt.Fatalf("span %s to %s, want %s to %s", first, last, simple.first(), simple.last())
		}
		// What the cost model prices: every dialogue the view scans,
		// exactly when no pillar narrows them and filters agree.
		if n := m.Selected(q); n < v.Total.Dialogues || q.Pillar == "" && q.Region == "" && n != v.Total.Dialogues {
			rt.Fatalf("query %+v: %d selected, %d in the view", q, n, v.Total.Dialogues)
		}
		v = withoutKeys(v)
		want := simple.total(q)
		if !reflect.DeepEqual(v.Total, want) {
			rt.Fatalf("query %+v:\n got %+v\nwant %+v", q, v.Total, want)
		}
		sum := 0
		for _, row := range v.Rows {
			sub := q
			sub.From, sub.To = row.Period.From, row.Period.To
			if w := simple.total(sub); !reflect.DeepEqual(row.Figures, w) {
				rt.Fatalf("query %+v, bucket %v:\n got %+v\nwant %+v", q, row.Period, row.Figures, w)
			}
			sum += row.Figures.Dialogues
		}
		if q.Bucket != inclusion.NoBucket && sum != v.Total.Dialogues {
			rt.Fatalf("buckets hold %d dialogues, the total %d", sum, v.Total.Dialogues)
		}
	}
	if !reflect.DeepEqual(views[0], views[1]) {
		rt.Fatalf("the restored model's view (cell keys included) differs:\n%+v\n%+v", views[0].Total.Keys, views[1].Total.Keys)
	}
	a, _ := model.Dialogues(inclusion.ListQuery{Query: q, Limit: 1 << 20})
	b, _ := restored.Dialogues(inclusion.ListQuery{Query: q, Limit: 1 << 20})
	if !reflect.DeepEqual(a, b) {
		rt.Fatalf("the restored model lists dialogues differently:\n%+v\n%+v", a, b)
	}
	for _, row := range a {
		want := simple.dialogues[row.Dialogue.ID].Attendance
		if !reflect.DeepEqual(dialogue.Attendance{Attendees: row.Attendees, Headcount: row.Dialogue.Headcount}, want) {
			rt.Fatalf("dialogue %s lists attendance %+v %+v, want %+v", row.Dialogue.ID, row.Attendees, row.Dialogue.Headcount, want)
		}
	}
}

// checkList pages through the dialogues a query selects and checks the
// pages against the whole list and the rows against the view's total.
func checkList(rt *rapid.T, m *inclusion.Model, q inclusion.Query, total inclusion.Figures) {
	all, more := m.Dialogues(inclusion.ListQuery{Query: q, Limit: 1 << 20})
	if more || len(all) != total.Dialogues {
		rt.Fatalf("the list holds %d dialogues (more %v), the view %d", len(all), more, total.Dialogues)
	}
	attendance, registered := 0, 0
	var keys inclusion.Figures // the view's cell keys are the sums of its dialogues'
	for _, r := range all {
		attendance += r.Figures.Attendance
		registered += r.Figures.Registered
		keys.Attendance += r.Figures.Keys.Attendance
		keys.Women += r.Figures.Keys.Women
		keys.Displaced += r.Figures.Keys.Displaced
		if r.Figures.Dialogues != 1 || r.Figures.UniqueParticipants != r.Figures.Registered {
			rt.Fatalf("row %+v", r.Figures)
		}
	}
	if attendance != total.Attendance || registered != total.Registered {
		rt.Fatalf("rows sum to attendance %d registered %d, the view says %d and %d", attendance, registered, total.Attendance, total.Registered)
	}
	if uint32(keys.Attendance) != uint32(total.Keys.Attendance) || uint32(keys.Women) != uint32(total.Keys.Women) || uint32(keys.Displaced) != uint32(total.Keys.Displaced) {
		rt.Fatalf("the dialogues' cell keys do not sum to the view's: %+v against %+v", keys, *total.Keys)
	}
	size := rapid.IntRange(1, 4).Draw(rt, "pageSize")
	var paged []inclusion.DialogueRow
	var after *domain.ID
	for {
		page, more := m.Dialogues(inclusion.ListQuery{Query: q, Limit: size, After: after})
		paged = append(paged, page...)
		if !more {
			break
		}
		id := page[len(page)-1].Dialogue.ID
		after = &id
	}
	if !reflect.DeepEqual(paged, all) && !(len(paged) == 0 && len(all) == 0) {
		rt.Fatalf("pages of %d differ from the whole list", size)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1].Dialogue, all[i].Dialogue
		if cmp.Or(a.HeldOn.Time().Compare(b.HeldOn.Time()), a.ID.Compare(b.ID)) >= 0 {
			rt.Fatalf("the list is not by date then id at %d: %s %s, then %s %s", i, a.HeldOn, a.ID, b.HeldOn, b.ID)
		}
	}
	checkNewestFirst(rt, m, q, all, size)
}

// checkNewestFirst pages through the list newest first and checks it is
// the oldest-first list reversed.
func checkNewestFirst(rt *rapid.T, m *inclusion.Model, q inclusion.Query, oldestFirst []inclusion.DialogueRow, size int) {
	var paged []inclusion.DialogueRow
	var after *domain.ID
	for {
		page, more := m.Dialogues(inclusion.ListQuery{Query: q, Limit: size, After: after, Newest: true})
		paged = append(paged, page...)
		if !more {
			break
		}
		id := page[len(page)-1].Dialogue.ID
		after = &id
	}
	want := slices.Clone(oldestFirst)
	slices.Reverse(want)
	if !reflect.DeepEqual(paged, want) && !(len(paged) == 0 && len(want) == 0) {
		rt.Fatalf("newest first, pages of %d are not the list reversed", size)
	}
}

// world is the history replayed the simplest way: plain maps, last write
// wins, no indexes.
type world struct {
	spaceRegion map[domain.ID]string
	profiles    map[domain.ID]participant.Profile
	dialogues   map[domain.ID]*dialogue.Record
	retracted   map[domain.ID]bool
}

// first and last are the days of the earliest and latest dialogues not
// retracted (zero when none).
func (w *world) first() domain.Date {
	return w.edge(func(a, b domain.Date) bool { return a.Before(b) })
}
func (w *world) last() domain.Date { return w.edge(func(a, b domain.Date) bool { return a.After(b) }) }

func (w *world) edge(better func(a, b domain.Date) bool) (out domain.Date) {
	for id, d := range w.dialogues {
		if !w.retracted[id] && (out.IsZero() || better(d.HeldOn, out)) {
			out = d.HeldOn
		}
	}
	return out
}

func recompute(rt *rapid.T, raw []events.RecordedEvent) *world {
	w := &world{spaceRegion: map[domain.ID]string{}, profiles: map[domain.ID]participant.Profile{}, dialogues: map[domain.ID]*dialogue.Record{}, retracted: map[domain.ID]bool{}}
	codec := registry.Codec()
	for _, rec := range raw {
		e, err := codec.Decode(rec.Type, 1, rec.Data)
		if err != nil {
			rt.Fatal(err)
		}
		id := ulid.MustParse(rec.Stream[len(rec.Stream)-26:])
		switch e := e.(type) {
		case space.Established:
			w.spaceRegion[id] = e.Region
		case space.DetailsChanged:
			w.spaceRegion[id] = e.Region
		case participant.Enrolled:
			w.profiles[id] = e.Profile
		case participant.ProfileCorrected:
			w.profiles[id] = e.Profile
		case dialogue.Held:
			r := e.Record
			w.dialogues[id] = &r
		case dialogue.AttendanceCorrected:
			w.dialogues[id].Attendance = e.Attendance
		case dialogue.Corrected:
			r := e.Record
			w.dialogues[id] = &r
		case dialogue.Retracted:
			w.retracted[id] = true
		}
	}
	return w
}

func (w *world) total(q inclusion.Query) inclusion.Figures {
	f := inclusion.Figures{Groups: map[string]int{}}
	unique := map[domain.ID]bool{}
	for id, d := range w.dialogues {
		switch {
		case w.retracted[id],
			q.SpaceID != nil && d.SpaceID != *q.SpaceID,
			q.Region != "" && w.spaceRegion[d.SpaceID] != q.Region,
			q.Pillar != "" && d.Pillar != q.Pillar,
			!q.From.IsZero() && d.HeldOn.Before(q.From),
			!q.To.IsZero() && d.HeldOn.After(q.To):
			continue
		}
		f.Dialogues++
		for _, a := range d.Attendees {
			unique[a.ParticipantID] = true
			p := w.profiles[a.ParticipantID]
			age := d.HeldOn.Year() - p.BirthYear
			youth := p.BirthYear != 0 && age >= 15 && age <= 35 || p.AgeBand == "15-17" || p.AgeBand == "18-24" || p.AgeBand == "25-35"
			f.Registered++
			if p.Sex == "female" {
				f.Women++
				if youth {
					f.YoungWomen++
				}
			} else {
				f.Men++
				if youth {
					f.YoungMen++
				}
			}
			if youth {
				f.Youth++
			}
			if p.BirthYear == 0 && p.AgeBand == "" {
				f.AgeUnknown++
			}
			if p.Functioning.Walking == "a-lot-of-difficulty" || p.Functioning.Walking == "cannot-do-at-all" {
				f.PersonsWithDisabilities++
			}
			if p.Displacement != "none" {
				f.Displaced++
			}
			for _, g := range p.Groups {
				f.Groups[g]++
			}
		}
		h := d.Headcount
		f.Unregistered += h.YoungWomen + h.AdultWomen + h.YoungMen + h.AdultMen
		f.Women += h.YoungWomen + h.AdultWomen
		f.Men += h.YoungMen + h.AdultMen
		f.Youth += h.YoungWomen + h.YoungMen
		f.YoungWomen += h.YoungWomen
		f.YoungMen += h.YoungMen
		f.PersonsWithDisabilities += h.WithDisabilities
		f.Displaced += h.Displaced
	}
	f.Attendance = f.Registered + f.Unregistered
	f.UniqueParticipants = len(unique)
	return f
}

// withoutKeys drops the cell keys, which the simple recomputation does not
// make.
func withoutKeys(v inclusion.View) inclusion.View {
	v.Total.Keys = nil
	rows := make([]inclusion.Row, len(v.Rows))
	for i, r := range v.Rows {
		r.Figures.Keys = nil
		rows[i] = r
	}
	v.Rows = rows
	return v
}
