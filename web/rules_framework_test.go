package web

import (
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/events/domain/refdata"
)

// frameworkRules is src/rules.json's "framework": what the results
// framework's forms check as one types.
type frameworkRules struct {
	Key  string `json:"key"`
	Year struct {
		Min int `json:"min"`
		Max int `json:"max"`
	} `json:"year"`
	RuleMeasure  map[string]string   `json:"ruleMeasure"`
	RuleParams   map[string][]string `json:"ruleParams"`
	RuleRequires []string            `json:"ruleRequires"`
}

func readFrameworkRules(t *testing.T) frameworkRules {
	t.Helper()
	raw, err := os.ReadFile("src/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ Framework frameworkRules }
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r.Framework
}

// setIndicator decides an indicator on a framework with one result, valid
// but for change, and says which fields the domain refuses.
func setIndicator(d deciders, change func(*framework.Indicator)) []string {
	zero := 0.0
	s := framework.State{Exists: true, Programme: framework.Programme{Title: "p", Identifier: "X-1", Country: "ML", StartOn: d.today},
		Outcomes: []framework.Outcome{{Key: "O1", Title: "o"}}, Results: []framework.Result{{Key: "R1", OutcomeKey: "O1", Type: "outcome", Title: "r"}}}
	in := framework.Indicator{Key: "I1", ResultKey: "R1", Title: "i", Measure: "unit", Baseline: framework.Baseline{Year: 2025, Value: &zero}}
	change(&in)
	_, err := framework.Decide(s, framework.SetIndicator{Indicator: in}, d.env)
	return fieldsAtFault(err)
}

func TestTheFrameworkFormsKeysAndYearsAreTheDomains(t *testing.T) {
	r, d := readFrameworkRules(t), newDeciders()
	key := regexp.MustCompile(r.Key)
	for _, k := range []string{"I1", "R1.2", "a_b-c", strings.Repeat("K", 20), strings.Repeat("K", 21), "I 1", "I/1", "Clé", ""} {
		refused := slices.Contains(setIndicator(d, func(in *framework.Indicator) { in.Key = k }), "key")
		if refused == key.MatchString(k) {
			t.Errorf("the key %q: the domain refuses it %v, the forms' pattern matches it %v", k, refused, key.MatchString(k))
		}
	}
	year := func(y int) []string { return setIndicator(d, func(in *framework.Indicator) { in.Baseline.Year = y }) }
	check(t, "first year", year(r.Year.Min), year(r.Year.Min-1), "baseline.year")
	check(t, "last year", year(r.Year.Max), year(r.Year.Max+1), "baseline.year")
}

func TestTheFrameworkFormsRulesAreTheDomains(t *testing.T) {
	r, d := readFrameworkRules(t), newDeciders()
	if !maps.Equal(r.RuleMeasure, framework.RuleMeasure) || !slices.Equal(slices.Sorted(maps.Keys(r.RuleParams)), slices.Sorted(slices.Values(framework.Rules))) {
		t.Fatalf("rules.json's rules %v and %v, the domain's %v and %v", r.RuleMeasure, slices.Sorted(maps.Keys(r.RuleParams)), framework.RuleMeasure, framework.Rules)
	}
	space, group := d.space, refdata.Default().Groups[0].Code
	params := map[string]func(*framework.RuleParams, bool){
		"pillar":     func(p *framework.RuleParams, set bool) { p.Pillar = map[bool]string{true: "security"}[set] },
		"spaceId":    func(p *framework.RuleParams, set bool) { p.SpaceID = map[bool]*domain.ID{true: &space}[set] },
		"group":      func(p *framework.RuleParams, set bool) { p.Group = map[bool]string{true: group}[set] },
		"changeType": func(p *framework.RuleParams, set bool) { p.ChangeType = map[bool]string{true: "policy"}[set] },
	}
	for rule, takes := range r.RuleParams {
		for name, set := range params {
			// the rule's required parameters set, then this one set or not
			decide := func(on bool) []string {
				return setIndicator(d, func(in *framework.Indicator) {
					in.Rule, in.Measure = rule, r.RuleMeasure[rule]
					for _, req := range r.RuleRequires {
						if slices.Contains(takes, req) {
							params[req](&in.Params, true)
						}
					}
					set(&in.Params, on)
				})
			}
			field := "params." + name
			if taken := !slices.Contains(decide(true), field); taken != slices.Contains(takes, name) {
				t.Errorf("rule %s with %s: the domain takes it %v, rules.json says %v", rule, name, taken, slices.Contains(takes, name))
			}
			required := slices.Contains(decide(false), field)
			if want := slices.Contains(takes, name) && slices.Contains(r.RuleRequires, name); required != want {
				t.Errorf("rule %s without %s: the domain refuses it %v, the forms %v", rule, name, required, want)
			}
		}
	}
}
