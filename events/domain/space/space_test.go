package space_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/space"
)

func details() space.Details {
	return space.Details{Name: "Comité consultatif de sécurité de Gao", Kind: "security-advisory-committee", Region: "gao", Pillar: "security"}
}

func TestSpaceDecisions(t *testing.T) {
	thirty, half, over := 30.0, 50.0, 101.0
	established := space.Established{Details: details(), EstablishedOn: Date(2026, 1, 10), Targets: space.Targets{Women: &thirty}}
	convenor := ID(7)
	withConvenor := details()
	withConvenor.ConvenorID = &convenor
	Run(t, space.Decide, space.Evolve, []Scenario[space.Command, space.Event]{
		{Name: "establishing a space sets the 30 % women target by default",
			When: space.Establish{Details: details(), EstablishedOn: Date(2026, 1, 10)},
			Then: []space.Event{established}},
		{Name: "explicit targets replace the default",
			When: space.Establish{Details: details(), EstablishedOn: Date(2026, 1, 10), Targets: &space.Targets{Women: &half}},
			Then: []space.Event{space.Established{Details: details(), EstablishedOn: Date(2026, 1, 10), Targets: space.Targets{Women: &half}}}},
		{Name: "every invalid field is reported at once",
			When:    space.Establish{Details: space.Details{Kind: "tea-party", Region: "atlantis", Pillar: "x"}, EstablishedOn: Date(2027, 1, 1), Targets: &space.Targets{Youth: &over}},
			Rejects: []string{"name", "kind", "region", "pillar", "establishedOn", "targets.youth"}},
		{Name: "a convenor must be a registered stakeholder",
			When:    space.Establish{Details: withConvenor, EstablishedOn: Date(2026, 1, 10)},
			Rejects: []string{"convenorId"}},
		{Name: "a registered convenor is accepted",
			When:  space.Establish{Details: withConvenor, EstablishedOn: Date(2026, 1, 10)},
			Facts: Facts{Stakeholders: map[domain.ID]domain.StakeholderFacts{convenor: {Region: "gao"}}},
			Then:  []space.Event{space.Established{Details: withConvenor, EstablishedOn: Date(2026, 1, 10), Targets: space.Targets{Women: &thirty}}}},
		{Name: "a space is established once",
			Given: []space.Event{established}, When: space.Establish{Details: details(), EstablishedOn: Date(2026, 1, 10)},
			Rejects: []string{"spaceId"}},
		{Name: "changing nothing records nothing",
			Given: []space.Event{established}, When: space.ChangeDetails{Details: details()}, Then: nil},
		{Name: "details change",
			Given: []space.Event{established}, When: space.ChangeDetails{Details: space.Details{Name: "CCS Gao", Kind: "security-advisory-committee", Region: "gao", Pillar: "security"}},
			Then: []space.Event{space.DetailsChanged{Details: space.Details{Name: "CCS Gao", Kind: "security-advisory-committee", Region: "gao", Pillar: "security"}}}},
		{Name: "targets are percentages",
			Given: []space.Event{established}, When: space.SetTargets{Targets: space.Targets{Women: &over}}, Rejects: []string{"targets.women"}},
		{Name: "a missing space takes no command",
			When: space.SetTargets{Targets: space.Targets{Women: &half}}, Rejects: []string{"spaceId"}},
		{Name: "a space closes no earlier than it was established",
			Given: []space.Event{established}, When: space.Close{ClosedOn: Date(2025, 12, 31)}, Rejects: []string{"closedOn"}},
		{Name: "a closed space takes no further change",
			Given: []space.Event{established, space.Closed{ClosedOn: Date(2026, 3, 1)}}, When: space.SetTargets{Targets: space.Targets{Women: &half}},
			Rejects: []string{"spaceId"}},
	})
}
