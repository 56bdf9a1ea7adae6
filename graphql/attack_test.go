package graphql_test

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/graphql"
)

// The attack suite: a hostile reader without identities (an advocacy lead,
// who reads aggregates and dialogue records) who knows the method (the
// perturbation table, the threshold), a target dialogue's space, region,
// day, format and pillar, and the days other dialogues were held on (the
// dialogue list says them; so does the exact `dialogues` count of any
// view), asks every distinct question around the target the API answers
// within its default limits, and tries to recover the target's true
// small counts (1–4). Two attackers: one averages the published
// differences; one computes the exact posterior (flat prior over 0–20 and
// over every unknown background count) and guesses its most likely value.
// The bar, for every attack and both measures: never certain (at least
// three values keep a chance) and right at most one time in two.
//
//	go test -count=1 -run TestAttacks -v ./graphql/
//
// prints the figures recorded in docs/DISCLOSURE.md. 200 targets, each
// attack once per target and measure; -short attacks 40 of them.
func TestAttacks(t *testing.T) {
	start := time.Now()
	w := newAttackWorld(t)
	t.Logf("world: %d dialogues, %d targets, recorded in %s", len(w.dialogues), len(w.targets), time.Since(start).Round(time.Millisecond))
	targets := w.targets
	if testing.Short() {
		targets = targets[:40]
	}
	table, err := disclosure.NewTable(disclosure.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	var report strings.Builder
	fmt.Fprintf(&report, "cell-key D=%d V=%g, threshold %d; %d targets, true counts 1–4\n", disclosure.DefaultParams.D, disclosure.DefaultParams.V, attackThreshold, len(targets))
	section := func(t *testing.T, title string, scores []*score, check func(*score) error) {
		fmt.Fprintf(&report, "%s\n", title)
		for _, s := range scores {
			fmt.Fprintf(&report, "  %s\n", s)
			if err := check(s); err != nil {
				t.Errorf("%s: %s: %v", title, s.name, err)
			}
		}
	}
	holds := func(s *score) error {
		if !s.holds() {
			return fmt.Errorf("the target was found: ML right %d, averaging right %d of %d, certain %d times", s.right, s.averageRight, s.trials, s.certainly)
		}
		return nil
	}
	t.Run("averaging/cellkey", func(t *testing.T) {
		section(t, "averaging, cell-key (the default)", w.averaging(t, graphql.CellKey, attacker{table}, targets), holds)
	})
	// The teeth: the same attack against an undefended release, the core's
	// suppress release (exact figures, small ones withheld), which palabre
	// serve refuses since this attack recovers every count from it.
	t.Run("averaging/suppress has teeth", func(t *testing.T) {
		section(t, "averaging, suppress (retired, undefended across answers: the suite must win)", w.averaging(t, graphql.Suppress, attacker{}, targets), func(s *score) error {
			if strings.HasPrefix(s.name, "everything") && s.right < s.trials {
				return fmt.Errorf("recovered only %d of %d exact small counts", s.right, s.trials)
			}
			return nil
		})
	})
	for _, m := range []struct {
		mode graphql.Disclosure
		att  attacker
	}{{graphql.CellKey, attacker{table}}, {graphql.Suppress, attacker{}}} {
		t.Run("within one answer/"+string(m.mode), func(t *testing.T) {
			section(t, "within one answer, "+string(m.mode), w.withinOneAnswer(t, m.mode, m.att, targets), holds)
		})
	}
	for _, mode := range []graphql.Disclosure{graphql.CellKey, graphql.Suppress} {
		t.Run("recomputation/"+string(mode), func(t *testing.T) {
			fmt.Fprintf(&report, "recomputation, %s: %s\n", mode, w.recompute(t, mode))
		})
	}
	t.Run("re-entry", func(t *testing.T) {
		scores := w.reentry(t, targets, map[graphql.Disclosure]attacker{graphql.CellKey: {table}, graphql.Suppress: {}})
		section(t, "re-entry, cell-key", scores[graphql.CellKey], holds)
		section(t, "re-entry, suppress (no defence across answers: reported, not held)", scores[graphql.Suppress], func(*score) error { return nil })
	})
	fmt.Fprintf(&report, "in %s\n", time.Since(start).Round(time.Second))
	t.Log("\n" + report.String())
	if path := os.Getenv("PALABRE_ATTACK_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// question is two views that differ by the target alone, or (without nil)
// one view of the target alone.
type question struct {
	channel       string
	with, without viewSpec
	direct        bool
	// also, when set, is added to without: two sums that together hold
	// everything of with but the target's cell.
	also *viewSpec
}

// channels name the ways of asking, in the report's order.
var channels = []string{"dates, one space ([s,D] vs [s,D-1], [D,e] vs [D+1,e], [D,D])", "dates, the region",
	"format and pillar filters", "the finest cell, alone and as a difference of sums", "tables (groupBy space, format, pillar, region)", "month, quarter and year rows",
	"asOf (before and after it was logged, and later)", "exports (CSV and XLSX)", "the dialogue's own figures"}

// questions are every question the attacker asks about the i-th target:
// wide, as many as the channels give (the cell-key attack); otherwise one
// of each channel, enough against exact figures.
func (w *attackWorld) questions(i int, tg attackTarget, wide bool) []question {
	n := func(full int) int {
		if wide {
			return full
		}
		return min(full, 1)
	}
	day := 24 * time.Hour
	D := tg.on
	space, region := "spaceId: "+quote(tg.space), "region: "+quote(tg.region)
	var out []question
	starts := func(channel string, base viewSpec, dates []time.Time) {
		for _, s := range dates {
			if !s.Before(D) {
				continue
			}
			with, without := base, base
			with.from, with.to, without.from, without.to = s, D, s, D.Add(-day)
			out = append(out, question{channel: channel, with: with, without: without})
		}
	}
	ends := func(channel string, base viewSpec, dates []time.Time) {
		for _, e := range dates {
			if !e.After(D) {
				continue
			}
			with, without := base, base
			with.from, with.to, without.from, without.to = D, e, D.Add(day), e
			out = append(out, question{channel: channel, with: with, without: without})
		}
	}
	spaceDays, regionDays := w.days(func(d attackDialogue) bool { return d.space == tg.space }), w.days(func(d attackDialogue) bool { return d.region == tg.region })
	before := func(days []time.Time, skip, n int) []time.Time { return around(days, D, -1, skip, n) }
	after := func(days []time.Time, skip, n int) []time.Time { return around(days, D, 1, skip, n) }

	c := channels[0]
	starts(c, viewSpec{scope: space}, before(spaceDays, 0, n(8)))
	ends(c, viewSpec{scope: space}, after(spaceDays, 0, n(8)))
	out = append(out, question{channel: c, with: viewSpec{scope: space, from: D, to: D}, direct: true})
	c = channels[1]
	starts(c, viewSpec{scope: region}, before(regionDays, 0, n(6)))
	ends(c, viewSpec{scope: region}, after(regionDays, 0, n(6)))
	c = channels[2]
	starts(c, viewSpec{scope: space + ", format: " + tg.format}, before(spaceDays, 0, n(2)))
	ends(c, viewSpec{scope: space + ", pillar: " + tg.pillar}, after(spaceDays, 0, n(2)))
	starts(c, viewSpec{scope: region + ", format: " + tg.format}, before(regionDays, 6, n(2)))
	out = append(out, finestQuestions(tg)...)
	c = channels[4]
	starts(c, viewSpec{scope: region, groupBy: "SPACE", groupKey: tg.space}, before(regionDays, 8, n(2)))
	ends(c, viewSpec{scope: space, groupBy: "FORMAT", groupKey: tg.format}, after(spaceDays, 2, n(2)))
	starts(c, viewSpec{scope: region, groupBy: "PILLAR", groupKey: tg.pillar}, before(regionDays, 10, n(2)))
	starts(c, viewSpec{scope: "pillar: " + tg.pillar, groupBy: "REGION", groupKey: tg.region}, before(regionDays, 12, 1))
	c = channels[5]
	for _, bucket := range []string{"MONTH", "QUARTER", "YEAR"} {
		for _, scope := range []string{space, region} {
			starts(c, viewSpec{scope: scope, bucket: bucket, rowAt: D}, []time.Time{time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)})
		}
	}
	out = append(out, w.asOfQuestions(tg)...)
	c = channels[7]
	starts(c, viewSpec{scope: region, kind: "csv"}, before(regionDays, 13, 1))
	if i%5 == 0 { // a workbook costs more to make: one target in five
		starts(c, viewSpec{scope: region, kind: "xlsx"}, before(regionDays, 14, 1))
	}
	out = append(out, question{channel: channels[8], with: viewSpec{kind: "dialogue", id: tg.id}, direct: true})
	return out
}

// finestQuestions ask for the finest cell that holds the target (its
// space, format, pillar and day; a month where dates are widened to
// months), alone and as the difference of sums that are published where
// it is withheld.
func finestQuestions(tg attackTarget) []question {
	c, space := channels[3], "spaceId: "+quote(tg.space)
	otherPillar, otherFormat := otherOf(tg.pillar, "SECURITY", "JUSTICE"), otherOf(tg.format, "COMMUNITY_DIALOGUE", "WORKSHOP")
	cell := finestCell(tg)
	out := []question{{channel: c, with: cell, direct: true}}
	for _, other := range []struct{ with, without string }{
		{"format: " + tg.format, "format: " + tg.format + ", pillar: " + otherPillar},
		{"pillar: " + tg.pillar, "pillar: " + tg.pillar + ", format: " + otherFormat},
		{"format: " + tg.format, "format: " + tg.format + ", pillar: INCLUSION"},
	} {
		with, without := cell, cell
		with.scope, without.scope = space+", "+other.with, space+", "+other.without
		out = append(out, question{channel: c, with: with, without: without})
	}
	// The space's whole month, less its other format's, less the target's
	// format with the other pillar.
	with, without, also := cell, cell, cell
	with.scope, without.scope, also.scope = space, space+", format: "+tg.format+", pillar: "+otherPillar, space+", format: "+otherFormat
	return append(out, question{channel: c, with: with, without: without, also: &also})
}

// asOfQuestions ask as recorded before and after the targets were logged,
// over ranges that hold no other target, and at a later moment.
func (w *attackWorld) asOfQuestions(tg attackTarget) []question {
	c, D, day := channels[6], tg.on, 24*time.Hour
	afterLast := func(match func(attackDialogue) bool) time.Time {
		last := time.Date(2024, 11, 30, 0, 0, 0, 0, time.UTC)
		for _, o := range w.targets {
			if match(o.attackDialogue) && o.on.Before(D) && o.on.After(last) {
				last = o.on
			}
		}
		return last.Add(day)
	}
	sinceSpace := afterLast(func(d attackDialogue) bool { return d.space == tg.space })
	sinceRegion := afterLast(func(d attackDialogue) bool { return d.region == tg.region })
	var out []question
	for _, scope := range []struct {
		args string
		from time.Time
	}{{"spaceId: " + quote(tg.space), sinceSpace}, {"region: " + quote(tg.region), sinceRegion}} {
		with := viewSpec{scope: scope.args, from: scope.from, to: D, asOf: w.moments[1]}
		without := with
		without.asOf = w.moments[0]
		out = append(out, question{channel: c, with: with, without: without})
	}
	if sinceSpace.Before(D) {
		with := viewSpec{scope: "spaceId: " + quote(tg.space), from: sinceSpace, to: D, asOf: w.moments[2]}
		without := with
		without.to = D.Add(-day)
		out = append(out, question{channel: c, with: with, without: without})
	}
	return out
}

// days are the distinct days dialogues that match were held on, in order.
func (w *attackWorld) days(match func(attackDialogue) bool) []time.Time {
	var out []time.Time
	for _, d := range w.dialogues {
		if match(d) {
			out = append(out, d.on)
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.Compact(out)
}

// around lists n of the days before (direction −1, nearest first) or after
// (+1) a day, skipping the nearest skip; fewer where the days run out.
func around(days []time.Time, day time.Time, direction, skip, n int) []time.Time {
	var side []time.Time
	for _, d := range days {
		if direction < 0 && d.Before(day) || direction > 0 && d.After(day) {
			side = append(side, d)
		}
	}
	if direction < 0 {
		slices.Reverse(side)
	}
	if skip >= len(side) {
		return nil
	}
	return side[skip:min(len(side), skip+n)]
}

// averaging asks every question about every target of a server, and
// scores each channel, and everything together, for each measure.
func (w *attackWorld) averaging(t *testing.T, mode graphql.Disclosure, att attacker, targets []attackTarget) []*score {
	e := w.servers[mode]
	var all []question
	per := make([][]question, len(targets))
	for i, tg := range targets {
		per[i] = w.questions(i, tg, mode == graphql.CellKey)
		all = append(all, per[i]...)
	}
	specs := make([]viewSpec, 0, 2*len(all))
	for _, q := range all {
		specs = append(specs, q.with, q.without)
		if q.also != nil {
			specs = append(specs, *q.also)
		}
	}
	begin := time.Now()
	answers := map[string]figureAnswer{}
	for i, a := range fetchViews(t, e, e.advocacy, specs, attackedMeasures) {
		answers[specs[i].key()] = a
	}
	t.Logf("%s: %d questions (%d views) in %s", mode, len(all), len(answers), time.Since(begin).Round(time.Millisecond))
	// The same question asked again gets the same answer: asking again
	// averages nothing away.
	again := specs[:min(len(specs), 60)]
	for i, a := range fetchViews(t, e, e.advocacy, again, attackedMeasures) {
		if was := answers[again[i].key()]; fmt.Sprint(a) != fmt.Sprint(was) {
			t.Errorf("%s answered %v, then %v", again[i].arguments(), was, a)
		}
	}

	var scores []*score
	for _, measure := range attackedMeasures {
		for _, c := range append(slices.Clone(channels), "everything together") {
			s := &score{name: fmt.Sprintf("%s: %s", measure, c)}
			for i, tg := range targets {
				p, cells, avg, seen := &posterior{}, &posterior{}, &average{}, map[string]bool{}
				for _, q := range per[i] {
					if c != q.channel && !strings.HasPrefix(c, "everything") {
						continue
					}
					with, without := answers[q.with.key()], answers[q.without.key()]
					if q.also != nil {
						without = sum(without, answers[q.also.key()])
					}
					if !isolates(q, with, without) {
						continue
					}
					// The same answers twice are one view, not two.
					signature := fmt.Sprint(q.direct, with, without)
					if seen[signature] {
						continue
					}
					seen[signature] = true
					if q.direct && q.with.kind == "dialogue" && with.measures[measure].withheld {
						continue // always withheld: it says nothing of the count
					}
					if q.direct {
						p.add(att.direct(with.measures[measure]))
						cells.add(att.direct(with.measures[measure]))
						avg.add(with.measures[measure], observation{})
						continue
					}
					w, o := with.measures[measure], without.measures[measure]
					p.add(att.pair(w, o))
					if !w.withheld && !o.withheld && w.count >= o.count {
						cells.add(att.direct(observation{count: w.count - o.count}))
					}
					avg.add(w, o)
				}
				s.add(p, tg.truth[measure])
				s.addCells(cells, tg.truth[measure])
				if avg.guess() == tg.truth[measure] {
					s.averageRight++
				}
			}
			scores = append(scores, s)
		}
	}
	return scores
}

// isolates says, from the exact dialogue counts every answer publishes,
// whether a question is about the target alone: two answers one dialogue
// apart (the target's), or one answer of one dialogue. A method that
// widens dates answers [s,D] and [s,D-1] alike, and the attacker, who
// reads the answers, uses the pair only when it still differs by the
// target alone. A dialogue's own figures carry no count: taken as they are.
func isolates(q question, with, without figureAnswer) bool {
	switch {
	case q.with.kind == "dialogue":
		return true
	case q.direct:
		return with.dialogues == 1
	}
	return with.dialogues-without.dialogues == 1
}

// finestCell is the view of the target's space, format, pillar and day.
func finestCell(tg attackTarget) viewSpec {
	return viewSpec{scope: fmt.Sprintf("spaceId: %q, format: %s, pillar: %s", tg.space, tg.format, tg.pillar), from: tg.on, to: tg.on}
}

// withinOneAnswer attacks the finest cell of each target, one answer: registered
// attendance from unique participants (one dialogue: the same people) and
// attendance minus the unregistered; young women from youth minus young
// men. Against the base table, which publishes a total as the sum of its
// parts' published values, the difference is the part's published value:
// one view, read with the total and the other part.
func (w *attackWorld) withinOneAnswer(t *testing.T, mode graphql.Disclosure, att attacker, targets []attackTarget) []*score {
	e := w.servers[mode]
	specs := make([]viewSpec, len(targets))
	for i, tg := range targets {
		specs[i] = finestCell(tg)
	}
	answers := fetchViews(t, e, e.advocacy, specs, everyMeasure)
	registered := &score{name: "registered = unique participants (one dialogue) = attendance − unregistered"}
	youngWomen := &score{name: "young women = youth − young men"}
	for i, tg := range targets {
		m := answers[i].measures
		p := &posterior{}
		if answers[i].dialogues != 1 { // widened: not the target alone
			registered.add(p, tg.truth["registered"])
			registered.addCells(p, tg.truth["registered"])
			youngWomen.add(p, tg.truth["youngWomen"])
			youngWomen.addCells(p, tg.truth["youngWomen"])
			continue
		}
		if att.table == nil { // exact figures, the total's parts withheld apart
			p.add(att.direct(m["uniqueParticipants"]))
			p.add(att.direct(m["registered"]))
			p.add(att.pair(m["attendance"], m["unregistered"]))
		} else {
			// Unique participants are withheld in any view but a whole
			// year's, whatever their value: withheld here says nothing.
			// Read as a published 1–4, it told the attacker the count was
			// small, which the world's targets (1–4) always are.
			checkSumOfParts(t, tg, "attendance", m["attendance"], m["registered"], m["unregistered"])
			p.add(att.sumOfParts(m["attendance"], m["registered"], m["unregistered"]))
		}
		registered.add(p, tg.truth["registered"])
		registered.addCells(p, tg.truth["registered"])
		logCertain(t, tg, "registered", p, m, "registered", "attendance", "unregistered")
		p = &posterior{}
		if att.table == nil {
			p.add(att.direct(m["youngWomen"]))
			p.add(att.pair(m["youth"], m["youngMen"]))
		} else {
			checkSumOfParts(t, tg, "youth", m["youth"], m["youngWomen"], m["youngMen"])
			p.add(att.sumOfParts(m["youth"], m["youngWomen"], m["youngMen"]))
		}
		youngWomen.add(p, tg.truth["youngWomen"])
		youngWomen.addCells(p, tg.truth["youngWomen"])
		logCertain(t, tg, "youngWomen", p, m, "youngWomen", "youth", "youngMen")
	}
	return []*score{registered, youngWomen}
}

// logCertain says which target left fewer than three values, and what
// was published of it, so that a failing run shows its case.
func logCertain(t *testing.T, tg attackTarget, measure string, p *posterior, m map[string]observation, shown ...string) {
	t.Helper()
	_, possible := p.guess()
	if possible >= 3 {
		return
	}
	var published []string
	for _, name := range shown {
		published = append(published, fmt.Sprintf("%s %+v (true %d)", name, m[name], tg.truth[name]))
	}
	t.Logf("%s of the target on %s in %s: %d values left from %s", measure, tg.on.Format(time.DateOnly), tg.space, possible, strings.Join(published, ", "))
}

// checkSumOfParts fails the test when the base table publishes a total
// otherwise than as the sum of its parts' published values: perturbed on
// its own, the total would be a second noisy view of each part, which
// the attacker above, who knows the rule, would not be using.
func checkSumOfParts(t *testing.T, tg attackTarget, name string, total, part, other observation) {
	t.Helper()
	if !total.withheld && !part.withheld && !other.withheld && total.count != part.count+other.count {
		t.Errorf("target on %s in %s: %s published %d, not the sum of its parts' %d and %d", tg.on.Format(time.DateOnly), tg.space, name, total.count, part.count, other.count)
	}
}

// otherOf is the value of the two that is not this one.
func otherOf(this, a, b string) string {
	if this == a {
		return b
	}
	return a
}

// sum adds two answers: withheld where either is.
func sum(a, b figureAnswer) figureAnswer {
	out := figureAnswer{dialogues: a.dialogues + b.dialogues, measures: map[string]observation{}}
	for m, o := range a.measures {
		p := b.measures[m]
		out.measures[m] = observation{count: o.count + p.count, withheld: o.withheld || p.withheld}
	}
	return out
}

// reentry watches each target's finest cell while the dialogue is entered
// a second time (a duplicate, as happens in the field) and the first entry
// is then retracted. Three states: the target, the target twice, the
// duplicate alone — the last the same people as the first, which must
// publish the same figures (record keys come from the records' content).
// It changes the world: it runs last.
func (w *attackWorld) reentry(t *testing.T, targets []attackTarget, atts map[graphql.Disclosure]attacker) map[graphql.Disclosure][]*score {
	modes := []graphql.Disclosure{graphql.CellKey, graphql.Suppress}
	specs := make([]viewSpec, len(targets))
	for i, tg := range targets {
		specs[i] = finestCell(tg)
	}
	var states [3]map[graphql.Disclosure][]figureAnswer
	observe := func(k int) {
		states[k] = map[graphql.Disclosure][]figureAnswer{}
		for _, mode := range modes {
			e := w.servers[mode]
			states[k][mode] = fetchViews(t, e, e.advocacy, specs, attackedMeasures)
		}
	}
	observe(0)
	b := &batch{e: w.servers[graphql.CellKey], ids: w.ids}
	for _, tg := range targets {
		tg.record(b)
	}
	b.flush()
	observe(1)
	for _, tg := range targets {
		b.add(fmt.Sprintf(`retractDialogue(commandId: %q, id: %q, input: {reason: "doublon"}) { id }`, b.newID(), tg.id))
	}
	b.flush()
	observe(2)
	// Record keys come from what a record holds, not from the dialogue's
	// id: the duplicate alone is the same people under the same keys, and
	// must publish exactly what the original did. A repeated view teaches
	// nothing, so the attacker, who knows the method, counts it once.
	renewed := 0
	for i := range targets {
		if !reflect.DeepEqual(states[0][graphql.CellKey][i], states[2][graphql.CellKey][i]) {
			renewed++
		}
	}
	if renewed > 0 {
		t.Errorf("%d of %d duplicates left alone publish otherwise than their original: the same people made new keys", renewed, len(targets))
	}
	out := map[graphql.Disclosure][]*score{}
	for _, mode := range modes {
		att := atts[mode]
		for _, measure := range attackedMeasures {
			s := &score{name: measure + ": a duplicate entered, then the first entry retracted"}
			for i, tg := range targets {
				p := &posterior{}
				if l, ok := att.repeated(states[0][mode][i], states[1][mode][i], measure); ok {
					p.add(l) // the method's rule: the entry twice is twice the entry once
					s.add(p, tg.truth[measure])
					s.addCells(p, tg.truth[measure])
					continue
				}
				for k, copies := range []int{1, 2, 1} {
					a := states[k][mode][i]
					if k == 2 && reflect.DeepEqual(a, states[0][mode][i]) {
						continue // the same view again
					}
					if a.dialogues == copies {
						p.add(att.scaled(a.measures[measure], copies))
					}
				}
				s.add(p, tg.truth[measure])
				s.addCells(p, tg.truth[measure])
			}
			out[mode] = append(out[mode], s)
		}
	}
	return out
}

// repeated is what an attacker who knows the method learns from a cell
// seen holding the target's entry once and then twice: a cell of one
// entry repeated publishes copies × the entry's published value, so both
// are one view of the entry's published value, known as exactly as the
// two observations together allow. ok is false where the observations do
// not fit that rule (it does not hold for them, or there is no table):
// the caller then takes them as independent views.
func (a attacker) repeated(once, twice figureAnswer, measure string) (likelihood, bool) {
	if a.table == nil || once.dialogues != 1 || twice.dialogues != 2 {
		return likelihood{}, false
	}
	possible := func(o observation, copies int) map[int]bool {
		out := map[int]bool{}
		for c := 0; c <= maxTarget+a.table.Params().D; c++ {
			n := copies * c
			switch {
			case o.withheld && n >= 1 && n < attackThreshold, !o.withheld && n == o.count:
				out[c] = true
			}
		}
		return out
	}
	one, two := possible(once.measures[measure], 1), possible(twice.measures[measure], 2)
	var l likelihood
	fits := false
	for c := range one {
		if !two[c] {
			continue
		}
		fits = true
		for x := range l {
			l[x] += a.probability(x, observation{count: c})
		}
	}
	return l, fits
}
