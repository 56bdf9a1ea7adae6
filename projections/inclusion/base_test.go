package inclusion_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/projections/inclusion"
)

// TestBaseTableAddsUpToTheExactFigures checks, over random histories with
// corrections, profile corrections and retractions, that the base table
// kept as events arrive gives, unperturbed, exactly the figures of the
// same query widened to whole months, in the model and a restored one;
// and that perturbed, every answer is the sum of its months, the same in
// the restored model.
func TestBaseTableAddsUpToTheExactFigures(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		env := commandstest.Open(rt, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
		defer env.Close()
		spaces := randomHistory(rt, env)
		model, restored, _ := replayAndRestore(rt, env.Store)
		ctx := context.Background()
		for range 5 {
			q := randomQuery(rt, spaces)
			for _, m := range []*inclusion.Model{model, restored} {
				got, err := m.Published(ctx, q)
				if err != nil {
					rt.Fatal(err)
				}
				want, err := m.View(ctx, inclusion.Snapped(q))
				if err != nil {
					rt.Fatal(err)
				}
				want = withoutKeys(want)
				want.Total.UniqueParticipants = 0
				if !reflect.DeepEqual(got.Total, want.Total) {
					rt.Fatalf("query %+v:\n got %+v\nwant %+v", q, got.Total, want.Total)
				}
			}
		}
		noisy := func(value int, key uint32) int {
			if value == 0 {
				return 0
			}
			return value + int(key%5)
		}
		model.UsePerturbation(noisy)
		restored.UsePerturbation(noisy)
		for range 5 {
			q := randomQuery(rt, spaces)
			a, _ := model.Published(ctx, q)
			b, _ := restored.Published(ctx, q)
			if !reflect.DeepEqual(a, b) {
				rt.Fatalf("query %+v: the restored model publishes\n%+v\nnot\n%+v", q, b, a)
			}
			q.Bucket = inclusion.Month
			byMonth, _ := model.Published(ctx, q)
			sum := 0
			for _, r := range byMonth.Rows {
				sum += r.Figures.Women + r.Figures.Attendance
			}
			if want := byMonth.Total.Women + byMonth.Total.Attendance; sum != want {
				rt.Fatalf("query %+v: months add up to %d, the total is %d", q, sum, want)
			}
		}
	})
}
