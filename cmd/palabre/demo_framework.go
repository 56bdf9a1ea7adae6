package main

import (
	"context"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/refdata"
)

// demoFramework defines the demo's results framework over the demo data:
// a programme of the last two years and the next, two partners, two
// outcomes, an indicator of each rule palabre computes and two entered by
// hand (one qualitative), with last year's values.
func demoFramework(ctx context.Context, store events.Store, now time.Time) error {
	h := commands.New(store, refdata.Default(), &commands.Options{})
	fw := commands.For(framework.Aggregate)
	id := ulid.Make()
	send := func(c framework.Command) error {
		meta := commands.Meta{CommandID: ulid.Make(), RecordedBy: "palabre demo"}
		if _, ok := c.(framework.Define); ok {
			meta.CommandID = id
		}
		_, err := fw.Execute(ctx, h, id, c, meta)
		return err
	}
	year := now.Year()
	for _, c := range demoFrameworkCommands(year) {
		if err := send(c); err != nil {
			return fmt.Errorf("demo framework: %s: %w", domain.CommandName(c), err)
		}
	}
	return nil
}

func demoFrameworkCommands(year int) []framework.Command {
	n := func(x float64) *float64 { return &x }
	unit := func(key, result, title, rule string, params framework.RuleParams, refs []string, target float64) framework.Command {
		return framework.SetIndicator{Indicator: framework.Indicator{Key: key, ResultKey: result, Title: title, Measure: framework.RuleMeasure[rule], Ascending: true, Rule: rule, Params: params,
			Baseline: framework.Baseline{Year: year - 2, Value: n(0)}, References: refs,
			Targets: []framework.Target{{Year: year - 1, Value: n(target)}, {Year: year, Value: n(target * 1.2)}, {Year: year + 1, Value: n(target * 1.5)}}}}
	}
	return []framework.Command{
		framework.Define{Programme: framework.Programme{Title: "Dialogue, redevabilité et inclusion dans la gouvernance de la sécurité au Mali",
			Identifier: "NL-KVK-00000000-PALABRE-DEMO", ReportingOrg: framework.Organisation{Ref: "NL-KVK-00000000", Name: "Alliance de démonstration", Type: "21"},
			Funder:  framework.Organisation{Ref: "XM-DAC-7", Name: "Ministry of Foreign Affairs of the Netherlands", Type: "10"},
			Country: "ML", StartOn: domain.NewDate(year-2, time.January, 1), EndOn: domain.NewDate(year+1, time.December, 31),
			Vocabulary: framework.Vocabulary{Name: "Indicateurs de base du ministère (démonstration)", URI: "https://example.org/basket-indicators"},
			Partners: []framework.Partner{{Key: "NORD", Name: "Partenaire du Nord (démonstration)", Type: "22", Regions: []string{"gao", "tombouctou", "menaka"}},
				{Key: "CENTRE", Name: "Partenaire du Centre (démonstration)", Type: "22", Regions: []string{"mopti", "bamako"}}}}},
		framework.SetOutcome{Outcome: framework.Outcome{Key: "O1", Title: "Les autorités associent la société civile aux décisions de sécurité"}},
		framework.SetOutcome{Outcome: framework.Outcome{Key: "O2", Title: "Les autorités tiennent leurs engagements"}},
		framework.SetResult{Result: framework.Result{Key: "R1.1", OutcomeKey: "O1", Type: "output", Title: "Des espaces de concertation inclusifs se réunissent"}},
		framework.SetResult{Result: framework.Result{Key: "R2.1", OutcomeKey: "O2", Type: "outcome", Title: "Des engagements sont tenus et des normes améliorées"}},
		unit("I1", "R1.1", "Participations aux dialogues", "participants-reached", framework.RuleParams{}, []string{"SCS-2"}, 2000),
		unit("I2", "R1.1", "Espaces de concertation réunis avec la société civile", "spaces-meeting", framework.RuleParams{}, []string{"SCS-3"}, 20),
		unit("I3", "R1.1", "Part des pasteurs parmi les participations", "excluded-group-share", framework.RuleParams{Group: "pastoralists"}, []string{"SCS-4"}, 15),
		unit("I4", "R2.1", "Engagements de sécurité tenus", "commitments-fulfilled", framework.RuleParams{Pillar: "security"}, []string{"SCS-1"}, 10),
		unit("I7", "R2.1", "Changements de pratique des autorités (effets récoltés)", "outcomes-harvested", framework.RuleParams{ChangeType: "practice"}, []string{"SCS-5"}, 4),
		framework.SetIndicator{Indicator: framework.Indicator{Key: "I5", ResultKey: "R2.1", Title: "Lois, politiques et normes adoptées ou améliorées", Measure: "unit", Ascending: true,
			Baseline: framework.Baseline{Year: year - 2, Value: n(0)}, References: []string{"SCS-1"}, Targets: []framework.Target{{Year: year - 1, Value: n(2)}}}},
		framework.SetIndicator{Indicator: framework.Indicator{Key: "I6", ResultKey: "R2.1", Title: "Redevabilité des autorités envers les comités", Measure: "qualitative", Ascending: true,
			Baseline: framework.Baseline{Year: year - 2, Comment: "Les comités ne reçoivent pas de compte rendu des autorités."}}},
		framework.RecordValue{Value: framework.Value{IndicatorKey: "I5", Year: year - 1, PartnerKey: "NORD", Value: n(1), Evidence: []string{"Arrêté du gouverneur (démonstration)"}}},
		framework.RecordValue{Value: framework.Value{IndicatorKey: "I5", Year: year - 1, Value: n(2), Evidence: []string{"Arrêté du gouverneur (démonstration)", "Délibération communale (démonstration)"}}},
		framework.RecordValue{Value: framework.Value{IndicatorKey: "I6", Year: year - 1, Comment: "Deux gouverneurs rendent compte chaque trimestre aux comités consultatifs de sécurité.",
			Evidence: []string{"Comptes rendus des comités (démonstration)"}}},
	}
}
