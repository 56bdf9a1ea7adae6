// Package disclosure is how palabre publishes counts to roles that may not
// see who attended: the cell-key method of the Australian Bureau of
// Statistics (Thompson, Broadfoot & Elazar, UNECE 2013), as Eurostat's 2021
// census and the sdcTools cellKey and ptable packages apply it.
//
// Every counted record carries a random key derived from a server secret;
// a cell's key is the sum of its records' keys, modulo 2³², mixed before
// it is read (a cell holding the same records twice has key 2k). A
// perturbation table maps a cell's true value and its key to a small noise. The same
// records always make the same key, so the same cell always gets the same
// answer and repeating a question averages nothing away; two cells that
// differ by one record have unrelated keys, so their difference is noise.
//
// The table's rows are maximum-entropy distributions (as in Giessing 2016,
// which the ptable package implements) with mean zero, a given variance,
// noise of at most D either way, and no count made zero or negative: a
// published zero is a true zero, and a true one, which no unbiased noise
// can move without making it zero, stays one — so a threshold of at least
// two must withhold it.
//
// # Caveats
//
//   - Cell-key perturbation makes a table's cells inconsistent with one
//     another: the rows of a view do not add up exactly to its total, and a
//     share may differ from the ratio of two other published figures.
//   - Many different cells that all contain one record and otherwise
//     differ can, differenced pairwise, be averaged; the noise bounds what
//     one or a few queries reveal, not what unlimited ones can.
//   - Zero stays zero and nothing else becomes zero: a published zero is
//     a true zero (it singles nobody out).
package disclosure

import (
	"errors"
	"fmt"
	"math"
)

// Params define a perturbation table.
type Params struct {
	// D is the largest noise either way (an integer of at least 1).
	D int
	// V is the noise's variance.
	V float64
}

// DefaultParams: noise of at most ±5 with variance 3 (a standard deviation
// of 1.7, so most counts move by 2 or less). The variance sets what the
// figures lose; D only bounds the tail, and a wide one makes the rare pair
// of opposite extremes (which would leave an attacker two values) all but
// impossible: +5 and −5 each have a chance of 1 in 250. Against the attacks
// of docs/DISCLOSURE.md an attacker is right about a count of 1–4 a third
// of the time at most, never certain.
var DefaultParams = Params{D: 5, V: 3}

// Check names a parameter that cannot make a table.
func (p Params) Check() error {
	switch {
	case p.D < 1 || p.D > 20:
		return fmt.Errorf("cell-key D must be between 1 and 20, not %d", p.D)
	case p.V <= 0 || p.V > float64(p.D*p.D):
		return fmt.Errorf("cell-key V must be above 0 and at most D² (%d), not %g", p.D*p.D, p.V)
	}
	return nil
}

// Table is a perturbation table: for each true value, the probability of
// each noise, as cumulative bounds for the lookup.
type Table struct {
	params Params
	// rows[i] are the noises' probabilities for a true value i (noise -D
	// at index 0); values above D, whose noise zero never bounds, share the
	// last row.
	rows [][]float64
	// cumulative[i][k] is the probability of a noise below index k+1.
	cumulative [][]float64
}

// NewTable computes the table of params. Returns an error for parameters
// Check refuses or whose constraints no distribution meets.
func NewTable(p Params) (*Table, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	t := &Table{params: p}
	for i := 0; i <= p.D+1; i++ {
		row, err := maxEntropyRow(i, p)
		if err != nil {
			return nil, fmt.Errorf("cell-key row %d: %w", i, err)
		}
		cum := make([]float64, len(row))
		sum := 0.0
		for k, q := range row {
			sum += q
			cum[k] = sum
		}
		cum[len(cum)-1] = 1
		t.rows, t.cumulative = append(t.rows, row), append(t.cumulative, cum)
	}
	return t, nil
}

// Params are the table's parameters.
func (t *Table) Params() Params { return t.params }

func (t *Table) row(value int) int { return min(value, t.params.D+1) }

// Perturb returns the published value of a cell: its true value plus the
// noise its key selects. Zero stays zero.
func (t *Table) Perturb(value int, key uint32) int {
	if value <= 1 {
		return value
	}
	u := float64(mix(key)) / (1 << 32)
	cum := t.cumulative[t.row(value)]
	for k, c := range cum {
		if u < c {
			return value + k - t.params.D
		}
	}
	return value + t.params.D
}

// mix spreads a cell key over [0, 2³²) before it is read as a position
// (splitmix64's finaliser). A cell holding the same records twice — a
// dialogue entered twice — has key 2k, and 2k read straight is tied to k
// (their noises correlate at about 0.6; at 0.01 still through 32-bit
// mixers such as murmur3's): mixed, the doubled cell's noise is unrelated
// to the single one's. Uniform keys stay uniform.
func mix(key uint32) uint32 {
	z := uint64(key)*0x9e3779b97f4a7c15 + 0x632be59bd9b4e019
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return uint32((z ^ z>>31) >> 32)
}

// Probability is the chance that a cell of true value published as
// published: what an attacker who knows the table can compute.
func (t *Table) Probability(value, published int) float64 {
	if value <= 1 {
		if published == value {
			return 1
		}
		return 0
	}
	k := published - value + t.params.D
	row := t.rows[t.row(value)]
	if k < 0 || k >= len(row) {
		return 0
	}
	return row[k]
}

// maxEntropyRow finds the distribution over noises -D..D (none reaching
// zero) of greatest entropy with mean 0 and variance V: p(x) ∝ exp(a·x +
// b·x²), (a, b) found by Newton's method on the two moment conditions.
func maxEntropyRow(i int, p Params) ([]float64, error) {
	d := p.D
	lo := max(-d, 1-i)
	if i <= 1 { // zero stays zero; one cannot move and stay unbiased
		row := make([]float64, 2*d+1)
		row[d] = 1
		return row, nil
	}
	xs := make([]float64, 0, d-lo+1)
	for x := lo; x <= d; x++ {
		xs = append(xs, float64(x))
	}
	a, b := 0.0, -0.5/p.V
	var probs []float64
	moments := func() (mean, second, vx, cov, vx2 float64) {
		probs = probs[:0]
		z := 0.0
		for _, x := range xs {
			w := math.Exp(a*x + b*x*x)
			probs = append(probs, w)
			z += w
		}
		var m1, m2, m3, m4 float64
		for k, x := range xs {
			probs[k] /= z
			m1 += probs[k] * x
			m2 += probs[k] * x * x
			m3 += probs[k] * x * x * x
			m4 += probs[k] * x * x * x * x
		}
		return m1, m2, m2 - m1*m1, m3 - m1*m2, m4 - m2*m2
	}
	for range 200 {
		mean, second, vx, cov, vx2 := moments()
		f1, f2 := mean, second-p.V
		if math.Abs(f1) < 1e-12 && math.Abs(f2) < 1e-12 {
			break
		}
		det := vx*vx2 - cov*cov
		if det <= 0 || math.IsNaN(det) {
			return nil, errors.New("no distribution with this variance fits")
		}
		da, db := (vx2*f1-cov*f2)/det, (vx*f2-cov*f1)/det
		// Damped: a full step can overshoot where the support is clipped.
		step := 1.0
		for ; step > 1e-6; step /= 2 {
			na, nb := a-step*da, b-step*db
			if !math.IsNaN(na) && !math.IsNaN(nb) && math.Abs(na) < 50 && math.Abs(nb) < 50 {
				a, b = na, nb
				break
			}
		}
	}
	mean, second, _, _, _ := moments()
	if math.Abs(mean) > 1e-9 || math.Abs(second-p.V) > 1e-9 {
		return nil, fmt.Errorf("mean %g and variance %g, want 0 and %g: no distribution fits", mean, second, p.V)
	}
	row := make([]float64, 2*d+1)
	for k, x := range xs {
		row[int(x)+d] = probs[k]
	}
	return row, nil
}
