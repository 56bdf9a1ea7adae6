package graphql_test

import (
	"fmt"
	"math"

	"github.com/palabre/palabre/core/disclosure"
)

// The attacker's arithmetic: the exact likelihood of what was published,
// for a target count x and unknown background counts, knowing the
// published perturbation table and the threshold (or, against exact
// figures, knowing they are exact).

const (
	attackThreshold = 5
	maxTarget       = 20   // the attacker's flat prior on the target count: 0–20
	maxBackground   = 1000 // a withheld exact figure: small, or a complement
)

// attacker holds the table the analyst knows; nil for exact figures.
type attacker struct{ table *disclosure.Table }

// probability is the chance of an observation for a cell of true value t.
func (a attacker) probability(t int, o observation) float64 {
	switch {
	case t < 0:
		return 0
	case a.table == nil && o.withheld:
		return b2f(t > 0) // withheld: small, or a complement of any size
	case a.table == nil, !o.withheld && o.count == 0:
		return b2f(t == o.count)
	case !o.withheld:
		return a.table.Probability(t, o.count)
	}
	p := 0.0
	for c := 1; c < attackThreshold; c++ {
		p += a.table.Probability(t, c)
	}
	return p
}

// window bounds the true values an observation allows.
func (a attacker) window(o observation) (lo, hi int) {
	d := 0
	if a.table != nil {
		d = a.table.Params().D
	}
	switch {
	case o.withheld && a.table == nil:
		return 1, maxBackground
	case o.withheld:
		return 1, attackThreshold - 1 + d
	case o.count == 0:
		return 0, 0
	}
	return max(1, o.count-d), o.count + d
}

// likelihood over the target count.
type likelihood [maxTarget + 1]float64

// direct is one published figure of the target alone.
func (a attacker) direct(o observation) likelihood {
	var l likelihood
	for x := range l {
		l[x] = a.probability(x, o)
	}
	return l
}

// scaled is one published figure of the target counted n times over (a
// dialogue entered twice holds its people twice).
func (a attacker) scaled(o observation, n int) likelihood {
	var l likelihood
	for x := range l {
		l[x] = a.probability(n*x, o)
	}
	return l
}

// pair is two figures that differ by the target alone, over the same
// unknown background y: with = y + x, without = y.
func (a attacker) pair(with, without observation) likelihood {
	var l likelihood
	wlo, whi := a.window(with)
	olo, ohi := a.window(without)
	for x := range l {
		for y := max(olo, wlo-x, 0); y <= min(ohi, whi-x); y++ {
			l[x] += a.probability(y, without) * a.probability(y+x, with)
		}
	}
	return l
}

// sumOfParts is a total published as the sum of its parts' published
// values, as the base table publishes attendance (registered and
// unregistered) and youth (young women, young men, and youth of no
// recorded sex, none in the attack's world): the total minus the other
// part is the part's published value, one view read as finely as the
// three figures allow; the other part is an unknown background. A
// withheld total withholds its parts, zeros too.
func (a attacker) sumOfParts(total, part, other observation) likelihood {
	var l likelihood
	for _, r := range a.publishedValues(part, total.withheld) {
		for _, c := range a.publishedValues(other, total.withheld) {
			if total.withheld && (r+c == 0 || r+c >= attackThreshold) || !total.withheld && r+c != total.count {
				continue
			}
			w := a.background(c)
			for x := range l {
				l[x] += a.table.Probability(x, r) * w
			}
		}
	}
	return l
}

// publishedValues are the values a published figure may have been.
func (a attacker) publishedValues(o observation, zeroWithheld bool) []int {
	if !o.withheld {
		return []int{o.count}
	}
	var out []int
	for c := 1; c < attackThreshold; c++ {
		out = append(out, c)
	}
	if zeroWithheld {
		out = append(out, 0)
	}
	return out
}

// background is the chance of a published value over a flat prior on
// the unknown true one.
func (a attacker) background(published int) float64 {
	w := 0.0
	for y := max(0, published-a.table.Params().D); y <= published+a.table.Params().D; y++ {
		w += a.table.Probability(y, published)
	}
	return w
}

// posterior is the attacker's belief over the target count, in logs,
// from a flat prior.
type posterior struct {
	log  likelihood
	used int
}

// add multiplies in a likelihood; one that nothing fits (the attacker's
// model does not describe the method) is left out.
func (p *posterior) add(l likelihood) {
	next, any := p.log, false
	for x := range next {
		next[x] += math.Log(l[x])
		any = any || !math.IsInf(next[x], -1)
	}
	if any {
		p.log, p.used = next, p.used+1
	}
}

// keeps says whether a count keeps a chance.
func (p *posterior) keeps(x int) bool {
	best, _ := p.guess()
	return p.log[x]-p.log[best] > math.Log(1e-12)
}

// guess is the most likely count, and how many counts keep a chance.
func (p *posterior) guess() (best, possible int) {
	for x, w := range p.log {
		if w > p.log[best] {
			best = x
		}
	}
	for _, w := range p.log {
		if w-p.log[best] > math.Log(1e-12) {
			possible++
		}
	}
	return best, possible
}

// average is the averaging attacker: the mean of the published
// differences, rounded; 2 (a guess from the prior) with none.
type average struct {
	sum, n int
}

func (v *average) add(with, without observation) {
	if !with.withheld && !without.withheld {
		v.sum += with.count - without.count
		v.n++
	}
}

func (v average) guess() int {
	if v.n == 0 {
		return 2
	}
	return min(maxTarget, max(0, int(math.Round(float64(v.sum)/float64(v.n)))))
}

// score tallies one attack's trials. Certain is fewer than three counts
// left, the true one among them: an attacker whose model does not fit the
// method can be sure and wrong, which finds nobody.
type score struct {
	name                     string
	trials, right, certainly int
	fewestPossible           int
	averageRight             int // the averaging attacker's, where it applies
	pairs                    int // independent views used, summed over trials
	// The attacker who takes a difference of two sums of perturbed cells
	// for the one perturbed value of the cell between them (right against
	// a fixed base table, where answers differ by whole cells).
	cellRight, cellCertainly int
	// Trials with at least one view, and the cell attacker's right among
	// them: what a method leaves where it publishes anything.
	viewed, viewedCellRight int
}

// addCells tallies the cell attacker's guess.
func (s *score) addCells(p *posterior, truth int) {
	guess, possible := p.guess()
	if guess == truth {
		s.cellRight++
	}
	if p.used > 0 {
		s.viewed++
		if guess == truth {
			s.viewedCellRight++
		}
	}
	if possible < 3 && p.keeps(truth) {
		s.cellCertainly++
	}
}

func (s *score) add(p *posterior, truth int) {
	guess, possible := p.guess()
	s.trials++
	s.pairs += p.used
	if guess == truth {
		s.right++
	}
	if possible < 3 && p.keeps(truth) {
		s.certainly++
	}
	if s.fewestPossible == 0 || possible < s.fewestPossible {
		s.fewestPossible = possible
	}
}

// holds says whether the bar holds: never certain, right at most half the
// time, by either attacker.
func (s *score) holds() bool {
	return s.certainly == 0 && s.cellCertainly == 0 && 2*max(s.right, s.averageRight, s.cellRight) <= s.trials
}

func (s *score) String() string {
	pct := func(n int) float64 { return 100 * float64(n) / float64(s.trials) }
	return fmt.Sprintf("%-58s ML %3.0f %%, cells-ML %3.0f %%, averaging %3.0f %% right of %d; certain %d+%d; fewest left %2d; views %.1f per trial; cells-ML %d/%d where it had one",
		s.name, pct(s.right), pct(s.cellRight), pct(s.averageRight), s.trials, s.certainly, s.cellCertainly, s.fewestPossible, float64(s.pairs)/float64(s.trials),
		s.viewedCellRight, s.viewed)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
