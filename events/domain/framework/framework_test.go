package framework_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/framework"
)

func num(x float64) *float64 { return &x }

var (
	programme = framework.Programme{
		Title: "Dialogue et redevabilité", Identifier: "NL-KVK-1234-PAL",
		ReportingOrg: framework.Organisation{Ref: "NL-KVK-1234", Name: "Alliance", Type: "21"},
		Country:      "ML", StartOn: domain.NewDate(2025, 1, 1),
		Vocabulary: framework.Vocabulary{Name: "Basket indicators", URI: "https://example.org/basket"},
		Partners: []framework.Partner{
			{Key: "P1", Name: "Partenaire Mopti", Type: "22", Regions: []string{"mopti"}},
			{Key: "P2", Name: "Partenaire Gao", Type: "22", Regions: []string{"gao"}},
		},
	}
	outcome = framework.Outcome{Key: "O1", Title: "Les autorités rendent compte"}
	result  = framework.Result{Key: "R1", OutcomeKey: "O1", Type: "outcome", Title: "Espaces inclusifs"}
	reached = framework.Indicator{Key: "I1", ResultKey: "R1", Title: "Participations", Measure: "unit", Ascending: true,
		Baseline: framework.Baseline{Year: 2024, Value: num(0)}, Targets: []framework.Target{{Year: 2025, Value: num(500)}},
		References: []string{"SCS-1"}, Rule: "participants-reached"}
	story = framework.Indicator{Key: "I2", ResultKey: "R1", Title: "Changement de pratique", Measure: "qualitative",
		Baseline: framework.Baseline{Year: 2024, Comment: "Aucune concertation"}}
	defined = []framework.Event{framework.Defined{Programme: programme}, framework.OutcomeSet{Outcome: outcome}, framework.ResultSet{Result: result}}
)

func TestFrameworkDecisions(t *testing.T) {
	spaceID := domain.ID{1}
	withIndicators := append(defined[:3:3], framework.IndicatorSet{Indicator: reached}, framework.IndicatorSet{Indicator: story})
	entered := framework.Value{IndicatorKey: "I2", Year: 2025, Comment: "Le préfet consulte le comité", Evidence: []string{"Procès-verbal du 3 mars"}}
	Run(t, framework.Decide, framework.Evolve, []Scenario[framework.Command, framework.Event]{
		{Name: "a programme is defined", When: framework.Define{Programme: programme}, Then: []framework.Event{framework.Defined{Programme: programme}}},
		{Name: "every invalid field of a programme is named",
			When:    framework.Define{Programme: framework.Programme{Identifier: "X", ReportingOrg: framework.Organisation{Ref: "NL-1", Name: "A", Type: "99"}, Country: "Mali", Vocabulary: framework.Vocabulary{URI: "basket"}}},
			Rejects: []string{"title", "identifier", "reportingOrg.type", "country", "startOn", "vocabulary.uri"}},
		{Name: "a vocabulary's address is a web address (found in review: javascript: was accepted, and the IATI file links it)",
			When: framework.Define{Programme: func() framework.Programme {
				p := programme
				p.Vocabulary.URI = "javascript:alert(1)"
				return p
			}()},
			Rejects: []string{"vocabulary.uri"}},
		{Name: "a partner has a key, a name, a type and its regions",
			When: framework.Define{Programme: func() framework.Programme {
				p := programme
				p.Partners = []framework.Partner{{Key: "P 1", Regions: []string{"atlantis"}}, {Key: "P 1"}}
				return p
			}()},
			Rejects: []string{"partners[0].key", "partners[0].name", "partners[0].type", "partners[0].regions[0]", "partners[1].key", "partners[1].key",
				"partners[1].name", "partners[1].type", "partners[1].regions"}},
		{Name: "defined once", Given: defined, When: framework.Define{Programme: programme}, Rejects: []string{"frameworkId"}},
		{Name: "nothing is set on a framework not defined", When: framework.SetOutcome{Outcome: outcome}, Rejects: []string{"frameworkId"}},
		{Name: "a result names an outcome of the framework", Given: defined[:2],
			When: framework.SetResult{Result: framework.Result{Key: "R2", OutcomeKey: "O9", Type: "effect", Title: "x"}}, Rejects: []string{"outcomeKey", "type"}},
		{Name: "an indicator computed by a rule", Given: defined, When: framework.SetIndicator{Indicator: reached},
			Then: []framework.Event{framework.IndicatorSet{Indicator: reached}}},
		{Name: "setting an indicator as it is changes nothing", Given: withIndicators, When: framework.SetIndicator{Indicator: reached}},
		{Name: "a rule's measure and parameters are its own", Given: defined,
			When: framework.SetIndicator{Indicator: framework.Indicator{Key: "I3", ResultKey: "R1", Title: "x", Measure: "unit", Baseline: framework.Baseline{Year: 2024, Value: num(1)},
				Rule: "excluded-group-share", Params: framework.RuleParams{Group: "wizards", SpaceID: &spaceID}}},
			Rejects: []string{"measure", "params.group", "params.spaceId"}},
		{Name: "outcomes are counted of one change type, which no other rule takes", Given: defined,
			When: framework.SetIndicator{Indicator: framework.Indicator{Key: "I3", ResultKey: "R1", Title: "x", Measure: "unit", Baseline: framework.Baseline{Year: 2024, Value: num(1)},
				Rule: "outcomes-harvested", Params: framework.RuleParams{ChangeType: "revolution"}}},
			Rejects: []string{"params.changeType"}},
		{Name: "a change type is only the outcomes rule's", Given: defined,
			When: framework.SetIndicator{Indicator: framework.Indicator{Key: "I3", ResultKey: "R1", Title: "x", Measure: "unit", Baseline: framework.Baseline{Year: 2024, Value: num(1)},
				Rule: "spaces-meeting", Params: framework.RuleParams{ChangeType: "policy"}}},
			Rejects: []string{"params.changeType"}},
		{Name: "a qualitative indicator takes comments, not values", Given: defined,
			When: framework.SetIndicator{Indicator: framework.Indicator{Key: "I3", ResultKey: "R1", Title: "x", Measure: "qualitative", Baseline: framework.Baseline{Year: 2024, Value: num(1)},
				Targets: []framework.Target{{Year: 2025}, {Year: 2025, Comment: "y"}}}},
			Rejects: []string{"baseline.value", "targets[0].comment", "targets[1].year"}},
		{Name: "a percentage is between 0 and 100", Given: defined,
			When:    framework.SetIndicator{Indicator: framework.Indicator{Key: "I3", ResultKey: "R1", Title: "x", Measure: "percentage", Baseline: framework.Baseline{Year: 1999, Value: num(130)}}},
			Rejects: []string{"baseline.year", "baseline.value"}},
		{Name: "a value is entered with its evidence", Given: withIndicators, When: framework.RecordValue{Value: entered},
			Then: []framework.Event{framework.ValueRecorded{Value: entered}}},
		{Name: "a value without evidence, of an unknown partner, is refused", Given: withIndicators,
			When: framework.RecordValue{Value: framework.Value{IndicatorKey: "I2", Year: 2025, PartnerKey: "P9", Comment: "x"}}, Rejects: []string{"partnerKey", "evidence"}},
		{Name: "a value's parts are by sex, age or disability, never negative", Given: withIndicators,
			When: framework.RecordValue{Value: framework.Value{IndicatorKey: "I2", Year: 2025, Comment: "x", Evidence: []string{"y"},
				Dimensions: []framework.Dimension{{Name: "ethnicity", Value: "x", Count: 1}, {Name: "sex", Count: -1}}}},
			Rejects: []string{"dimensions[0].name", "dimensions[1].value", "dimensions[1].count"}},
		{Name: "the donor's codes need the framework's vocabulary",
			Given: []framework.Event{framework.Defined{Programme: func() framework.Programme { p := programme; p.Vocabulary = framework.Vocabulary{}; return p }()},
				framework.OutcomeSet{Outcome: outcome}, framework.ResultSet{Result: result}},
			When: framework.SetIndicator{Indicator: reached}, Rejects: []string{"references"}},
		{Name: "a computed indicator's values are not entered", Given: withIndicators,
			When: framework.RecordValue{Value: framework.Value{IndicatorKey: "I1", Year: 2025, Value: num(3), Evidence: []string{"x"}}}, Rejects: []string{"indicatorKey"}},
		{Name: "a partner with values stays", Given: append(withIndicators, framework.ValueRecorded{Value: framework.Value{IndicatorKey: "I2", Year: 2025, PartnerKey: "P2", Comment: "x", Evidence: []string{"y"}}}),
			When: framework.ChangeDetails{Programme: func() framework.Programme { p := programme; p.Partners = p.Partners[:1]; return p }()}, Rejects: []string{"partners"}},
	})
}
