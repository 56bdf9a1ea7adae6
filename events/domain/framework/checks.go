package framework

import (
	"math"
	"slices"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// checkPartnersKept: a partner named by a value stays, so that the
// report it was entered for can be made again.
func checkPartnersKept(p *domain.Problems, s State, pr Programme) {
	for _, v := range s.Values {
		if v.PartnerKey != "" && !slices.ContainsFunc(pr.Partners, func(pa Partner) bool { return pa.Key == v.PartnerKey }) {
			p.Add("partners", "partner %q has values entered: it stays", v.PartnerKey)
			return
		}
	}
}

func checkOutcome(p *domain.Problems, o Outcome) {
	checkKey(p, "key", o.Key)
	domain.Text(p, "title", o.Title, true, 300)
	domain.Note(p, "description", o.Description, false, 4000)
}

func checkResult(p *domain.Problems, s State, r Result) {
	checkKey(p, "key", r.Key)
	if _, ok := s.Outcome(r.OutcomeKey); !ok {
		p.Add("outcomeKey", "no outcome %q in this framework", r.OutcomeKey)
	}
	domain.OneOf(p, "type", r.Type, true, ResultTypes)
	domain.Text(p, "title", r.Title, true, 300)
	domain.Note(p, "description", r.Description, false, 4000)
}

func checkIndicator(p *domain.Problems, s State, in Indicator, env domain.Env) {
	checkKey(p, "key", in.Key)
	if _, ok := s.Result(in.ResultKey); !ok {
		p.Add("resultKey", "no result %q in this framework", in.ResultKey)
	}
	domain.Text(p, "title", in.Title, true, 300)
	domain.Note(p, "description", in.Description, false, 4000)
	domain.OneOf(p, "measure", in.Measure, true, Measures)
	checkYear(p, "baseline.year", in.Baseline.Year)
	checkAmount(p, "baseline", in.Measure, in.Baseline.Value, in.Baseline.Comment)
	var years []int
	for i, t := range in.Targets {
		field := "targets[" + itoa(i) + "]"
		checkYear(p, field+".year", t.Year)
		if slices.Contains(years, t.Year) {
			p.Add(field+".year", "%d has another target", t.Year)
		}
		years = append(years, t.Year)
		checkAmount(p, field, in.Measure, t.Value, t.Comment)
	}
	if len(in.References) > 0 && s.Programme.Vocabulary.URI == "" {
		p.Add("references", "the framework names no vocabulary (vocabulary.uri) for the donor's codes")
	}
	for i, code := range in.References {
		domain.Text(p, "references["+itoa(i)+"]", code, true, 50)
	}
	checkRule(p, in, env)
	if old, ok := s.Indicator(in.Key); ok && old.Rule == "" && in.Rule != "" && slices.ContainsFunc(s.Values, func(v Value) bool { return v.IndicatorKey == in.Key }) {
		p.Add("rule", "the indicator has values entered by hand: it stays entered")
	}
}

// MaxAmount bounds a baseline, target or value: more than any count of
// people, laws or bodies, and small enough that achievements computed from
// them stay finite numbers JSON can carry.
const MaxAmount = 1e12

// checkAmount: a number for a quantitative measure, a comment and no
// number for a qualitative one.
func checkAmount(p *domain.Problems, field, measure string, value *float64, comment string) {
	valueField, commentField := field+".value", field+".comment"
	if field == "" {
		valueField, commentField = "value", "comment"
	}
	domain.Note(p, commentField, comment, false, 2000)
	switch {
	case measure == "qualitative" && value != nil:
		p.Add(valueField, "a qualitative indicator takes a comment, not a value")
	case measure == "qualitative" && domain.Blank(comment):
		p.Add(commentField, "is required for a qualitative indicator")
	case measure != "qualitative" && measure != "" && value == nil:
		p.Add(valueField, "is required for a %s indicator", measure)
	case value != nil && !(math.Abs(*value) <= MaxAmount): // NaN too
		p.Add(valueField, "%v is beyond %v, more than any figure a programme reports", *value, float64(MaxAmount))
	case measure == "percentage" && (*value < 0 || *value > 100):
		p.Add(valueField, "%v is not a percentage between 0 and 100", *value)
	case value != nil && *value < 0:
		p.Add(valueField, "%v is negative", *value)
	}
}

// checkRule: a rule's measure is its own, and its parameters are those
// it takes.
func checkRule(p *domain.Problems, in Indicator, env domain.Env) {
	domain.OneOf(p, "rule", in.Rule, false, Rules)
	if want, ok := RuleMeasure[in.Rule]; ok && in.Measure != want {
		p.Add("measure", "rule %s gives a %s indicator", in.Rule, want)
	}
	pr := in.Params
	domain.OneOf(p, "params.pillar", pr.Pillar, false, domain.Pillars)
	if pr.Pillar != "" && in.Rule != "commitments-fulfilled" && in.Rule != "participants-reached" {
		p.Add("params.pillar", "rule %q takes no pillar", in.Rule)
	}
	switch {
	case in.Rule == "excluded-group-share" && pr.Group == "":
		p.Add("params.group", "is required: the excluded group whose share is computed")
	case pr.Group != "" && in.Rule != "excluded-group-share":
		p.Add("params.group", "rule %q takes no group", in.Rule)
	case pr.Group != "" && !env.Reference.HasGroup(pr.Group):
		p.Add("params.group", "%q is not an excluded group of this deployment", pr.Group)
	}
	switch {
	case in.Rule == "outcomes-harvested" && pr.ChangeType == "":
		p.Add("params.changeType", "is required (one of %s)", strings.Join(domain.ChangeTypes, ", "))
	case pr.ChangeType != "" && in.Rule != "outcomes-harvested":
		p.Add("params.changeType", "rule %q takes no change type", in.Rule)
	default:
		domain.OneOf(p, "params.changeType", pr.ChangeType, false, domain.ChangeTypes)
	}
	if pr.SpaceID == nil {
		return
	}
	if in.Rule != "excluded-group-share" && in.Rule != "participants-reached" {
		p.Add("params.spaceId", "rule %q takes no space", in.Rule)
	} else if _, ok := domain.LookUp[domain.SpaceFacts](env.Lookup, *pr.SpaceID); !ok {
		p.Add("params.spaceId", "no such space")
	}
}

func checkValue(p *domain.Problems, s State, v Value) {
	in, ok := s.Indicator(v.IndicatorKey)
	switch {
	case !ok:
		p.Add("indicatorKey", "no indicator %q in this framework", v.IndicatorKey)
	case in.Rule != "":
		p.Add("indicatorKey", "indicator %q is computed by rule %s: its values are not entered", v.IndicatorKey, in.Rule)
	}
	checkYear(p, "year", v.Year)
	if _, ok := s.Partner(v.PartnerKey); v.PartnerKey != "" && !ok {
		p.Add("partnerKey", "no partner %q in this framework", v.PartnerKey)
	}
	if ok {
		checkAmount(p, "", in.Measure, v.Value, v.Comment)
	}
	if len(v.Evidence) == 0 {
		p.Add("evidence", "is required: where the value can be checked (a report, a dialogue, a commitment)")
	}
	if len(v.Evidence) > 20 {
		p.Add("evidence", "holds more than 20 items")
	}
	for i, e := range v.Evidence {
		domain.Text(p, "evidence["+itoa(i)+"]", e, true, 500)
	}
	for i, d := range v.Dimensions {
		field := "dimensions[" + itoa(i) + "]"
		domain.OneOf(p, field+".name", d.Name, true, Dimensions)
		domain.Text(p, field+".value", d.Value, true, 50)
		if d.Count < 0 {
			p.Add(field+".count", "%v is negative", d.Count)
		} else if !(float64(d.Count) <= MaxAmount) {
			p.Add(field+".count", "%v is beyond %v, more than any figure a programme reports", d.Count, float64(MaxAmount))
		}
	}
}
