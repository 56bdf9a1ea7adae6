package graphql_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/graphql"
)

// The attack suite: an analyst who knows the method — the perturbation
// table, the threshold — tries to recover a true small count (1–4) of one
// dialogue from published figures, every way the issue names. For each
// attack and each trial the attacker computes the exact posterior over the
// target count (a flat prior over 0–20, and over every unknown background
// count) and guesses its most likely value. The bar: never certain (at
// least three values keep a chance) and right no more than one time in two.
//
//	go test ./graphql -run TestAttacks -v
//
// prints the figures recorded in docs/DISCLOSURE.md.

const (
	attackThreshold = 5
	maxTarget       = 20  // the attacker's prior on the target count
	maxBackground   = 700 // and on a background count
)

// observation is what a published figure says: a count, or withheld.
type observation struct {
	count    int
	withheld bool
}

// attacker holds the table the analyst knows; nil for exact figures
// (--disclosure suppress).
type attacker struct{ table *disclosure.Table }

// likelihood is the chance of an observation for a cell of true value t.
func (a attacker) likelihood(t int, o observation) float64 {
	if a.table == nil { // exact: a published count is the count; withheld is anything but zero
		if o.withheld && t > 0 || !o.withheld && t == o.count {
			return 1
		}
		return 0
	}
	if !o.withheld {
		if o.count == 0 {
			if t == 0 {
				return 1
			}
			return 0
		}
		return a.table.Probability(t, o.count)
	}
	p := 0.0
	for c := 1; c < attackThreshold; c++ {
		p += a.table.Probability(t, c)
	}
	return p
}

// over is the likelihood of an observation as a function of a background
// count, computed once.
func (a attacker) over(o observation) []float64 {
	l := make([]float64, maxBackground+maxTarget+1)
	for t := range l {
		l[t] = a.likelihood(t, o)
	}
	return l
}

// posterior normalises weights over the target count.
type posterior [maxTarget + 1]float64

func (p posterior) guess() (best int, possible int) {
	for x, w := range p {
		if w > p[best] {
			best = x
		}
		if w > 1e-12 {
			possible++
		}
	}
	return best, possible
}

// difference: one cell with the target, one without, both over the same
// unknown background y.
func (a attacker) difference(with, without observation) posterior {
	lw, lo := a.over(with), a.over(without)
	var p posterior
	for x := range p {
		for y := 0; y <= maxBackground; y++ {
			p[x] += lw[y+x] * lo[y]
		}
	}
	return p
}

// regionMinusSpaces: a region's total over two other spaces (unknown a and
// b) and the target's own space, each space also published.
func (a attacker) regionMinusSpaces(region, first, second, own observation) posterior {
	l1, l2, lr := a.over(first), a.over(second), a.over(region)
	sum := make([]float64, 2*maxBackground+1) // the chance that a + b = s
	for x := 0; x <= maxBackground; x++ {
		if l1[x] == 0 {
			continue
		}
		for y := 0; y <= maxBackground; y++ {
			sum[x+y] += l1[x] * l2[y]
		}
	}
	var p posterior
	for x := range p {
		for s, w := range sum {
			if w > 0 && s+x < len(lr) {
				p[x] += w * lr[s+x]
			}
		}
		p[x] *= a.likelihood(x, own)
	}
	return p
}

// withinAnswer: young women withheld or perturbed, young men and youth
// (their sum) published in the same answer.
func (a attacker) withinAnswer(youngWomen, youngMen, youth observation) posterior {
	lm, ly := a.over(youngMen), a.over(youth)
	var p posterior
	for x := range p {
		for m := 0; m+x < len(ly); m++ {
			p[x] += lm[m] * ly[m+x]
		}
		p[x] *= a.likelihood(x, youngWomen)
	}
	return p
}

// score tallies one attack's trials.
type score struct {
	name                     string
	trials, right, certainly int
	fewestPossible           int
}

func (s *score) add(p posterior, truth int) {
	guess, possible := p.guess()
	s.trials++
	if guess == truth {
		s.right++
	}
	if possible < 3 {
		s.certainly++
	}
	if s.fewestPossible == 0 || possible < s.fewestPossible {
		s.fewestPossible = possible
	}
}

func TestAttacksRecoverNoSmallCountWithCertaintyNorMoreThanHalfTheTime(t *testing.T) {
	if testing.Short() {
		t.Skip("a thousand requests")
	}
	table, err := disclosure.NewTable(disclosure.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	scores := attack(t, graphql.CellKey, attacker{table})
	var report strings.Builder
	fmt.Fprintf(&report, "cell-key D=%d V=%g, threshold %d; %d trials per attack, true counts 1–4\n", disclosure.DefaultParams.D, disclosure.DefaultParams.V, attackThreshold, scores[0].trials)
	for _, s := range scores {
		fmt.Fprintf(&report, "%-80s right %3d/%d (%.0f %%), certain %d, fewest values left %d\n", s.name, s.right, s.trials, 100*float64(s.right)/float64(s.trials), s.certainly, s.fewestPossible)
		if s.certainly > 0 || 2*s.right > s.trials {
			t.Errorf("%s: right %d of %d, certain %d times", s.name, s.right, s.trials, s.certainly)
		}
	}
	t.Log("\n" + report.String())
	if path := os.Getenv("PALABRE_ATTACK_REPORT"); path != "" {
		if err := os.WriteFile(path, []byte(report.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The same attacks against exact figures with small-cell suppression:
// differencing finds every small count. The suite has teeth.
func TestAttacksRecoverSmallCountsFromSuppressedExactFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("a thousand requests")
	}
	scores := attack(t, graphql.Suppress, attacker{})
	for _, s := range scores[:3] {
		t.Logf("%s: right %d of %d, certain %d", s.name, s.right, s.trials, s.certainly)
		if s.right < s.trials*9/10 {
			t.Errorf("%s recovered only %d of %d small counts from exact figures", s.name, s.right, s.trials)
		}
	}
}

// attack runs every attack against a server publishing with mode and
// scores the attacker's guesses.
func attack(t *testing.T, mode graphql.Disclosure, att attacker) []*score {
	e := newEnvWith(t, envOptions{replays: 1 << 20, disclosure: mode})
	rng := rand.New(rand.NewPCG(11, 12))

	space := func(region string) string {
		id := newID()
		e.must(e.admin, `mutation($c: ID!, $r: String!) { establishSpace(commandId: $c, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: $r, pillar: SECURITY, establishedOn: "2024-01-01"}) { id } }`,
			map[string]any{"c": id, "r": region})
		return id
	}
	facilitator := map[string]string{"gao": e.gao, "mopti": e.mopti}
	hold := func(region, spaceID, on string, youngWomen, youngMen, displaced int) string {
		id := newID()
		e.must(facilitator[region], `mutation($c: ID!, $s: ID!, $on: Date!, $yw: Int!, $ym: Int!, $dp: Int!) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: $on,
		    format: COMMUNITY_DIALOGUE, pillar: SECURITY, headcount: {youngWomen: $yw, adultWomen: 3, youngMen: $ym, adultMen: 5, displaced: $dp}}) { id } }`,
			map[string]any{"c": id, "s": spaceID, "on": on, "yw": youngWomen, "ym": youngMen, "dp": displaced})
		return id
	}
	retract := func(region, id string) {
		e.must(facilitator[region], `mutation($c: ID!, $id: ID!) { retractDialogue(commandId: $c, id: $id, input: {reason: "attack suite"}) { id } }`, map[string]any{"c": newID(), "id": id})
	}
	// A background of ordinary dialogues through 2025, so that every
	// range's other counts are large and unknown to the attacker.
	background := func(region, spaceID string, n int) {
		for i := range n {
			on := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*360/n).Format(time.DateOnly)
			hold(region, spaceID, on, 1+rng.IntN(6), 1+rng.IntN(6), rng.IntN(7))
		}
	}
	gaoSpace := space("gao")
	background("gao", gaoSpace, 80)
	first, second, own := space("mopti"), space("mopti"), space("mopti")
	background("mopti", first, 40)
	background("mopti", second, 40)

	const target = "2026-03-02"
	figures := `total { displaced { count suppressed } youth { count suppressed } youngWomen { count suppressed } youngMen { count suppressed } }`
	view := func(args string, asOf string) map[string]any {
		q := `{ inclusion(` + args + `) { ` + figures + ` } }`
		if asOf != "" {
			q = `{ inclusion(` + args + `, asOf: "` + asOf + `") { ` + figures + ` } }`
		}
		return get(e.must(e.analyst, q, nil), "inclusion", "total").(map[string]any)
	}
	observe := func(total map[string]any, measure string) observation {
		m := total[measure].(map[string]any)
		if m["suppressed"] == true {
			return observation{withheld: true}
		}
		return observation{count: int(m["count"].(float64))}
	}
	now := func() string { return time.Now().UTC().Format(time.RFC3339Nano) }

	scores := []*score{{name: "differencing by dates (a range with the day, and without it)"}, {name: "asOf before and after the dialogue was logged"},
		{name: "live figures before and after"}, {name: "a region minus its other spaces (and the space itself)"},
		{name: "within one answer: young women from youth minus young men, with the 1–4 bound"}, {name: "one cell asked ten times"}}
	for trial := range 200 {
		x := 1 + trial%4
		// Each trial's ranges start on another day, so that its background
		// cells, and so their noise, are its own.
		from := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, trial).Format(time.DateOnly)
		gaoRange := fmt.Sprintf(`spaceId: "%s", from: "%s", to: "%s"`, gaoSpace, from, target)
		before, beforeAt := view(gaoRange, ""), now()
		time.Sleep(time.Millisecond)
		d := hold("gao", gaoSpace, target, 1+rng.IntN(4), 6, x)
		time.Sleep(time.Millisecond)
		afterAt := now()
		with := view(gaoRange, "")
		without := view(fmt.Sprintf(`spaceId: "%s", from: "%s", to: "2026-03-01"`, gaoSpace, from), "")
		scores[0].add(att.difference(observe(with, "displaced"), observe(without, "displaced")), x)
		scores[1].add(att.difference(observe(view(gaoRange, afterAt), "displaced"), observe(view(gaoRange, beforeAt), "displaced")), x)
		scores[2].add(att.difference(observe(with, "displaced"), observe(before, "displaced")), x)
		answer := view(gaoRange, "")
		for range 9 {
			if again := view(gaoRange, ""); fmt.Sprint(again) != fmt.Sprint(answer) {
				t.Fatalf("the same cell answered %v, then %v", answer, again)
			}
		}
		scores[5].add(att.difference(observe(answer, "displaced"), observe(without, "displaced")), x)
		retract("gao", d)

		d = hold("mopti", own, target, x, 2+rng.IntN(5), x)
		moptiRange := fmt.Sprintf(`from: "%s", to: "%s"`, from, target)
		ownView := view(fmt.Sprintf(`spaceId: "%s", %s`, own, moptiRange), "")
		scores[3].add(att.regionMinusSpaces(observe(view(`region: "mopti", `+moptiRange, ""), "displaced"),
			observe(view(fmt.Sprintf(`spaceId: "%s", %s`, first, moptiRange), ""), "displaced"),
			observe(view(fmt.Sprintf(`spaceId: "%s", %s`, second, moptiRange), ""), "displaced"),
			observe(ownView, "displaced")), x)
		scores[4].add(att.withinAnswer(observe(ownView, "youngWomen"), observe(ownView, "youngMen"), observe(ownView, "youth")), x)
		retract("mopti", d)
	}

	return scores
}
