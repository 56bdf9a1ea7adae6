package commitments_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
)

// demoLike is a model holding what the 1M-event demo gives it: 45,000
// commitments by 3,333 stakeholders in 12,500 spaces of five regions,
// most followed up two or three times, made in no particular order.
func demoLike(b *testing.B) *commitments.Model {
	b.Helper()
	m := commitments.New(func() time.Time { return now })
	id := func(kind byte, i int) (x domain.ID) {
		x[0], x[1], x[13], x[14], x[15] = kind, byte(i>>16), byte(i>>16), byte(i>>8), byte(i)
		return x
	}
	apply := func(aggregate domain.ID, e domain.Event) {
		if err := m.Apply(projections.Event{Domain: e, AggregateID: aggregate}); err != nil {
			b.Fatal(err)
		}
	}
	regions := []string{"gao", "mopti", "tombouctou", "menaka", "bamako"}
	for i := range 12_500 {
		apply(id('s', i), space.Established{Details: space.Details{Name: "E", Kind: "other", Region: regions[i%5], Pillar: "justice"}})
	}
	for i := range 3_333 {
		apply(id('h', i), stakeholder.Registered{Profile: stakeholder.Profile{Name: "S", Type: "mayor", Level: "local", Region: regions[i%5]}})
	}
	day := func(n int) domain.Date { return domain.DateOf(time.Date(2025, 1, 1+n, 0, 0, 0, 0, time.UTC)) }
	for i := range 45_000 {
		c, spaceID, dialogueID := id('c', i), id('s', i%12_500), id('d', i)
		made := (i * 7919) % 700 // not in the order recorded
		apply(c, commitment.Made{Promise: commitment.Promise{StakeholderID: id('h', i%3_333), SpaceID: &spaceID, DialogueID: &dialogueID,
			Text: fmt.Sprintf("Engagement %d", i), Pillar: []string{"justice", "security", "inclusion"}[i%3], MadeOn: day(made), DueOn: day(made + 90),
			Benefits: []string{"women"}}})
		apply(c, commitment.ProgressReported{ReportedOn: day(made + 30), Status: "on-track", Note: "Point fait en réunion du comité"})
		switch i % 3 {
		case 0:
			apply(c, commitment.FulfilledEvent{On: day(made + 60), Evidence: []string{"Compte rendu"}})
		case 1:
			apply(c, commitment.BrokenEvent{On: day(made + 100), Note: "Échéance dépassée sans suite"})
		}
	}
	return m
}

// BenchmarkList lists commitments as the API does: every one, a
// region's, and a stakeholder's.
func BenchmarkList(b *testing.B) {
	m := demoLike(b)
	var holder domain.ID
	holder[0], holder[15] = 'h', 7
	for _, q := range []struct {
		name  string
		query commitments.Query
	}{{"all", commitments.Query{}}, {"region", commitments.Query{Region: "gao"}}, {"stakeholder", commitments.Query{StakeholderID: &holder}}} {
		b.Run(q.name, func(b *testing.B) {
			n := len(m.List(q.query))
			for b.Loop() {
				m.List(q.query)
			}
			b.ReportMetric(float64(n), "commitments")
		})
	}
}

// BenchmarkFigures sums a region's commitments, as the indicators do.
func BenchmarkFigures(b *testing.B) {
	m := demoLike(b)
	for b.Loop() {
		m.Figures(commitments.Query{Region: "gao", Pillar: "justice"})
	}
}
