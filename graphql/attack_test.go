package graphql_test

import (
	"fmt"
	"os"
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
	t.Run("averaging/suppress has teeth", func(t *testing.T) {
		section(t, "averaging, suppress (no defence across answers: the suite must win)", w.averaging(t, graphql.Suppress, attacker{}, targets), func(s *score) error {
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
}

// channels name the ways of asking, in the report's order.
var channels = []string{"dates, one space ([s,D] vs [s,D-1], [D,e] vs [D+1,e], [D,D])", "dates, the region",
	"format and pillar filters", "tables (groupBy space, format, pillar, region)", "month, quarter and year rows",
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
	c = channels[3]
	starts(c, viewSpec{scope: region, groupBy: "SPACE", groupKey: tg.space}, before(regionDays, 8, n(2)))
	ends(c, viewSpec{scope: space, groupBy: "FORMAT", groupKey: tg.format}, after(spaceDays, 2, n(2)))
	starts(c, viewSpec{scope: region, groupBy: "PILLAR", groupKey: tg.pillar}, before(regionDays, 10, n(2)))
	starts(c, viewSpec{scope: "pillar: " + tg.pillar, groupBy: "REGION", groupKey: tg.region}, before(regionDays, 12, 1))
	c = channels[4]
	for _, bucket := range []string{"MONTH", "QUARTER", "YEAR"} {
		for _, scope := range []string{space, region} {
			starts(c, viewSpec{scope: scope, bucket: bucket, rowAt: D}, []time.Time{time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)})
		}
	}
	c = channels[5]
	// Before and after the targets were logged, over ranges that hold no
	// other target, and at a later moment.
	c = channels[5]
	afterLast := func(match func(attackDialogue) bool) time.Time {
		last := time.Date(2024, 11, 30, 0, 0, 0, 0, time.UTC)
		for _, o := range w.targets {
			if match(o.attackDialogue) && o.on.Before(D) && o.on.After(last) {
				last = o.on
			}
		}
		return last.Add(day)
	}
	for _, scope := range []struct {
		args string
		from time.Time
	}{{space, afterLast(func(d attackDialogue) bool { return d.space == tg.space })}, {region, afterLast(func(d attackDialogue) bool { return d.region == tg.region })}} {
		with := viewSpec{scope: scope.args, from: scope.from, to: D, asOf: w.moments[1]}
		without := with
		without.asOf = w.moments[0]
		out = append(out, question{channel: c, with: with, without: without})
	}
	starts(c, viewSpec{scope: space, asOf: w.moments[2]}, []time.Time{afterLast(func(d attackDialogue) bool { return d.space == tg.space })})
	c = channels[6]
	starts(c, viewSpec{scope: region, kind: "csv"}, before(regionDays, 13, 1))
	if i%5 == 0 { // a workbook costs more to make: one target in five
		starts(c, viewSpec{scope: region, kind: "xlsx"}, before(regionDays, 14, 1))
	}
	out = append(out, question{channel: channels[7], with: viewSpec{kind: "dialogue", id: tg.id}, direct: true})
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
	}
	begin := time.Now()
	answers := map[string]figureAnswer{}
	for i, a := range fetchViews(t, e, e.advocacy, specs, attackedMeasures) {
		answers[specs[i].key()] = a
	}
	t.Logf("%s: %d questions (%d views) in %s", mode, len(all), len(answers), time.Since(begin).Round(time.Millisecond))

	var scores []*score
	for _, measure := range attackedMeasures {
		for _, c := range append(slices.Clone(channels), "everything together") {
			s := &score{name: fmt.Sprintf("%s: %s", measure, c)}
			for i, tg := range targets {
				p, avg, seen := &posterior{}, &average{}, map[string]bool{}
				for _, q := range per[i] {
					if c != q.channel && !strings.HasPrefix(c, "everything") {
						continue
					}
					with, without := answers[q.with.key()], answers[q.without.key()]
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
						avg.add(with.measures[measure], observation{})
						continue
					}
					p.add(att.pair(with.measures[measure], without.measures[measure]))
					avg.add(with.measures[measure], without.measures[measure])
				}
				s.add(p, tg.truth[measure])
				if avg.guess() == tg.truth[measure] {
					s.averageRight++
				}
			}
			scores = append(scores, s)
		}
	}
	return scores
}

// withinOneAnswer attacks each target's own day, one answer: registered
// attendance from unique participants (one dialogue: the same people) and
// attendance minus the unregistered; young women from youth minus young
// men.
func (w *attackWorld) withinOneAnswer(t *testing.T, mode graphql.Disclosure, att attacker, targets []attackTarget) []*score {
	e := w.servers[mode]
	specs := make([]viewSpec, len(targets))
	for i, tg := range targets {
		specs[i] = viewSpec{scope: "spaceId: " + quote(tg.space), from: tg.on, to: tg.on}
	}
	answers := fetchViews(t, e, e.advocacy, specs, everyMeasure)
	registered := &score{name: "registered = unique participants (one dialogue) = attendance − unregistered"}
	youngWomen := &score{name: "young women = youth − young men"}
	for i, tg := range targets {
		m := answers[i].measures
		p := &posterior{}
		p.add(att.direct(m["registered"]))
		p.add(att.direct(m["uniqueParticipants"]))
		p.add(att.pair(m["attendance"], m["unregistered"]))
		registered.add(p, tg.truth["registered"])
		p = &posterior{}
		p.add(att.direct(m["youngWomen"]))
		p.add(att.pair(m["youth"], m["youngMen"]))
		youngWomen.add(p, tg.truth["youngWomen"])
	}
	return []*score{registered, youngWomen}
}
