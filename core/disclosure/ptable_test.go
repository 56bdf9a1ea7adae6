package disclosure_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/palabre/palabre/core/disclosure"
)

func TestThePerturbationIsConsistentUnbiasedAndBounded(t *testing.T) {
	for _, p := range []disclosure.Params{disclosure.DefaultParams, {D: 2, V: 1}, {D: 5, V: 4}} {
		table, err := disclosure.NewTable(p)
		if err != nil {
			t.Fatalf("%+v: %v", p, err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for value := 0; value <= 12; value++ {
			const cells = 200_000
			sum, squares := 0.0, 0.0
			for range cells {
				key := rng.Uint32()
				got := table.Perturb(value, key)
				if again := table.Perturb(value, key); again != got {
					t.Fatalf("%+v: value %d, key %d: %d then %d", p, value, key, got, again)
				}
				noise := got - value
				if got < 0 || noise < -p.D || noise > p.D {
					t.Fatalf("%+v: value %d published as %d", p, value, got)
				}
				if value <= 1 && got != value || value > 1 && got < 1 {
					t.Fatalf("%+v: %d published as %d", p, value, got)
				}
				sum += float64(noise)
				squares += float64(noise * noise)
			}
			mean, variance := sum/cells, squares/cells
			wantVar := p.V
			if value <= 1 {
				wantVar = 0
			}
			// Standard error of the mean is sqrt(V/cells) ≈ 0.003.
			if math.Abs(mean) > 0.02 || math.Abs(variance-wantVar) > 0.05*max(wantVar, 1) {
				t.Errorf("%+v: value %d: mean noise %.4f, variance %.3f; want ≈ 0 and %g", p, value, mean, variance, wantVar)
			}
			total := 0.0
			for published := value - p.D; published <= value+p.D; published++ {
				total += table.Probability(value, published)
			}
			if math.Abs(total-1) > 1e-9 {
				t.Errorf("%+v: row %d sums to %g", p, value, total)
			}
		}
	}
}

func TestParametersThatMakeNoTableAreRefused(t *testing.T) {
	for _, p := range []disclosure.Params{{D: 0, V: 1}, {D: 3, V: 0}, {D: 2, V: 5}} {
		if _, err := disclosure.NewTable(p); err == nil {
			t.Errorf("%+v made a table", p)
		}
	}
}

// Values far from zero get the same symmetric noise: a table whose last
// row still stopped short of -D once skewed every large count.
func TestLargeValuesGetSymmetricNoise(t *testing.T) {
	table, err := disclosure.NewTable(disclosure.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	d := disclosure.DefaultParams.D
	for _, value := range []int{d + 1, 50, 1000} {
		for k := 1; k <= d; k++ {
			if lo, hi := table.Probability(value, value-k), table.Probability(value, value+k); math.Abs(lo-hi) > 1e-9 || lo == 0 {
				t.Errorf("value %d: noise -%d has chance %g, +%d %g", value, k, lo, k, hi)
			}
		}
	}
}

// A dialogue entered twice puts the same records' keys in its cell twice:
// key 2k for twice the value. Read straight as a position, 2k mod 2³² is
// tied to k, and the two published values would share their noise; the
// noise of the doubled cell must be unrelated to the single one's.
func TestADoubledKeyPicksUnrelatedNoise(t *testing.T) {
	table, err := disclosure.NewTable(disclosure.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	const cells = 200_000
	var sx, sy, sxy, sxx, syy float64
	for range cells {
		k := rng.Uint32()
		x := float64(table.Perturb(8, k) - 8)
		y := float64(table.Perturb(16, 2*k) - 16)
		sx, sy, sxy, sxx, syy = sx+x, sy+y, sxy+x*y, sxx+x*x, syy+y*y
	}
	cov := sxy/cells - sx/cells*sy/cells
	corr := cov / math.Sqrt((sxx/cells-sx*sx/cells/cells)*(syy/cells-sy*sy/cells/cells))
	if math.Abs(corr) > 0.01 { // its standard error is about 0.002
		t.Errorf("the noises of key k and key 2k correlate: %.3f", corr)
	}
}
