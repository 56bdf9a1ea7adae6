package graphql

import (
	"bytes"
	"context"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/iati"
	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/framework"
	"github.com/palabre/palabre/projections/frameworks"
)

// Results frameworks and the donor report: the framework's types, its
// queries, and the report, whose figures the read service has released
// (core/read/results.go) and whose IATI file core/iati writes.

// frameworkTypes are the types a framework is made of.
type frameworkTypes struct {
	framework, partner, outcome, result, indicator, target *gql.Object
}

func (b *builder) frameworkObjects() frameworkTypes {
	e := b.enums
	var t frameworkTypes
	organisation := gql.NewObject(gql.ObjectConfig{Name: "Organisation", Description: "An organisation as IATI names it.", Fields: gql.Fields{
		"ref":  resolve(gql.String, func(o framework.Organisation) any { return nilIfEmpty(o.Ref) }),
		"name": resolve(nonNull(gql.String), func(o framework.Organisation) any { return o.Name }),
		"type": resolve(nonNull(gql.String), func(o framework.Organisation) any { return o.Type }),
	}})
	t.partner = gql.NewObject(gql.ObjectConfig{Name: "Partner", Description: "An implementing partner and the regions it works in.", Fields: gql.Fields{
		"key":     resolve(nonNull(gql.String), func(p framework.Partner) any { return p.Key }),
		"name":    resolve(nonNull(gql.String), func(p framework.Partner) any { return p.Name }),
		"ref":     resolve(gql.String, func(p framework.Partner) any { return nilIfEmpty(p.Ref) }),
		"type":    resolve(nonNull(gql.String), func(p framework.Partner) any { return p.Type }),
		"regions": resolve(nonNull(listOf(gql.String)), func(p framework.Partner) any { return p.Regions }),
	}})
	t.outcome = gql.NewObject(gql.ObjectConfig{Name: "ProgrammeOutcome", Description: "A programme outcome.", Fields: gql.Fields{
		"key":         resolve(nonNull(gql.String), func(o framework.Outcome) any { return o.Key }),
		"title":       resolve(nonNull(gql.String), func(o framework.Outcome) any { return o.Title }),
		"description": resolve(gql.String, func(o framework.Outcome) any { return nilIfEmpty(o.Description) }),
	}})
	t.result = gql.NewObject(gql.ObjectConfig{Name: "Result", Description: "A result of an outcome, of an IATI result type.", Fields: gql.Fields{
		"key":         resolve(nonNull(gql.String), func(r framework.Result) any { return r.Key }),
		"outcomeKey":  resolve(nonNull(gql.String), func(r framework.Result) any { return r.OutcomeKey }),
		"type":        resolve(nonNull(e["ResultType"]), func(r framework.Result) any { return r.Type }),
		"title":       resolve(nonNull(gql.String), func(r framework.Result) any { return r.Title }),
		"description": resolve(gql.String, func(r framework.Result) any { return nilIfEmpty(r.Description) }),
	}})
	t.target = gql.NewObject(gql.ObjectConfig{Name: "IndicatorTarget", Description: "A value aimed at or started from: a number, or for a qualitative indicator a comment.", Fields: gql.Fields{
		"year":    resolve(nonNull(gql.Int), func(x framework.Target) any { return x.Year }),
		"value":   resolve(gql.Float, func(x framework.Target) any { return floatOrNil(x.Value) }),
		"comment": resolve(gql.String, func(x framework.Target) any { return nilIfEmpty(x.Comment) }),
	}})
	t.indicator = b.indicatorObject(t.target)
	dimension := gql.NewObject(gql.ObjectConfig{Name: "ValueDimension", Fields: gql.Fields{
		"name":  resolve(nonNull(e["Dimension"]), func(d framework.Dimension) any { return d.Name }),
		"value": resolve(nonNull(gql.String), func(d framework.Dimension) any { return d.Value }),
		"count": resolve(nonNull(gql.Float), func(d framework.Dimension) any { return d.Count }),
	}})
	value := gql.NewObject(gql.ObjectConfig{Name: "IndicatorValue", Description: "A value entered by hand, with its evidence.", Fields: gql.Fields{
		"indicatorKey": resolve(nonNull(gql.String), func(v framework.Value) any { return v.IndicatorKey }),
		"year":         resolve(nonNull(gql.Int), func(v framework.Value) any { return v.Year }),
		"partnerKey":   resolve(gql.String, func(v framework.Value) any { return nilIfEmpty(v.PartnerKey) }),
		"value":        resolve(gql.Float, func(v framework.Value) any { return floatOrNil(v.Value) }),
		"comment":      resolve(gql.String, func(v framework.Value) any { return nilIfEmpty(v.Comment) }),
		"evidence": {Type: nonNull(listOf(gql.String)), Resolve: resolve(nonNull(listOf(gql.String)), func(v framework.Value) any { return nonNilStrings(v.Evidence) }).Resolve,
			Description: "Where the value can be checked, as entered; for admins alone (a text may name a person or a meeting), empty for the other roles."},
		"dimensions": resolve(nonNull(listOf(dimension)), func(v framework.Value) any { return nonNil(v.Dimensions) }),
	}})
	t.framework = gql.NewObject(gql.ObjectConfig{Name: "Framework", Description: "A programme's results framework: outcomes, results, indicators and the values entered by hand.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":             resolve(nonNull(gql.ID), func(f frameworks.Framework) any { return f.ID.String() }),
		"title":          resolve(nonNull(gql.String), func(f frameworks.Framework) any { return f.Programme.Title }),
		"description":    resolve(gql.String, func(f frameworks.Framework) any { return nilIfEmpty(f.Programme.Description) }),
		"identifier":     resolve(nonNull(gql.String), func(f frameworks.Framework) any { return f.Programme.Identifier }),
		"reportingOrg":   resolve(nonNull(organisation), func(f frameworks.Framework) any { return f.Programme.ReportingOrg }),
		"funder":         resolve(organisation, func(f frameworks.Framework) any { return orgOrNil(f.Programme.Funder) }),
		"country":        resolve(nonNull(gql.String), func(f frameworks.Framework) any { return f.Programme.Country }),
		"startOn":        resolve(nonNull(dateType), func(f frameworks.Framework) any { return f.Programme.StartOn }),
		"endOn":          resolve(dateType, func(f frameworks.Framework) any { return f.Programme.EndOn }),
		"vocabularyName": resolve(gql.String, func(f frameworks.Framework) any { return nilIfEmpty(f.Programme.Vocabulary.Name) }),
		"vocabularyUri":  resolve(gql.String, func(f frameworks.Framework) any { return nilIfEmpty(f.Programme.Vocabulary.URI) }),
		"partners":       resolve(nonNull(listOf(t.partner)), func(f frameworks.Framework) any { return nonNil(f.Programme.Partners) }),
		"outcomes":       resolve(nonNull(listOf(t.outcome)), func(f frameworks.Framework) any { return nonNil(f.Outcomes) }),
		"results":        resolve(nonNull(listOf(t.result)), func(f frameworks.Framework) any { return nonNil(f.Results) }),
		"indicators":     resolve(nonNull(listOf(t.indicator)), func(f frameworks.Framework) any { return nonNil(f.Indicators) }),
		"values":         resolve(nonNull(listOf(value)), func(f frameworks.Framework) any { return nonNil(f.Values) }),
	}})
	return t
}

func (b *builder) indicatorObject(target *gql.Object) *gql.Object {
	e := b.enums
	return gql.NewObject(gql.ObjectConfig{Name: "Indicator", Description: "An indicator of a result: computed by a rule palabre ships, or entered by hand.", Fields: gql.Fields{
		"key":         resolve(nonNull(gql.String), func(i framework.Indicator) any { return i.Key }),
		"resultKey":   resolve(nonNull(gql.String), func(i framework.Indicator) any { return i.ResultKey }),
		"title":       resolve(nonNull(gql.String), func(i framework.Indicator) any { return i.Title }),
		"description": resolve(gql.String, func(i framework.Indicator) any { return nilIfEmpty(i.Description) }),
		"measure":     resolve(nonNull(e["IndicatorMeasure"]), func(i framework.Indicator) any { return i.Measure }),
		"ascending":   resolve(nonNull(gql.Boolean), func(i framework.Indicator) any { return i.Ascending }),
		"baseline": resolve(nonNull(target), func(i framework.Indicator) any {
			return framework.Target{Year: i.Baseline.Year, Value: i.Baseline.Value, Comment: i.Baseline.Comment}
		}),
		"targets":    resolve(nonNull(listOf(target)), func(i framework.Indicator) any { return nonNil(i.Targets) }),
		"references": resolve(nonNull(listOf(gql.String)), func(i framework.Indicator) any { return nonNilStrings(i.References) }),
		"rule":       resolve(e["IndicatorRule"], func(i framework.Indicator) any { return nilIfEmpty(i.Rule) }),
		"pillar":     resolve(e["Pillar"], func(i framework.Indicator) any { return nilIfEmpty(i.Params.Pillar) }),
		"group":      resolve(gql.String, func(i framework.Indicator) any { return nilIfEmpty(i.Params.Group) }),
		"spaceId":    resolve(gql.ID, func(i framework.Indicator) any { return idString(i.Params.SpaceID) }),
		"changeType": resolve(e["ChangeType"], func(i framework.Indicator) any { return nilIfEmpty(i.Params.ChangeType) }),
	}})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func orgOrNil(o framework.Organisation) any {
	if o == (framework.Organisation{}) {
		return nil
	}
	return o
}

// reportObject is the donor report: per activity, result, indicator and
// year, the baseline, target, actual and achievement; and its IATI file.
func (b *builder) reportObject(t frameworkTypes) *gql.Object {
	part := gql.NewObject(gql.ObjectConfig{Name: "ReportDimension", Description: "A part of an actual (women among attendances); count is null when withheld.", Fields: gql.Fields{
		"name":     resolve(nonNull(b.enums["Dimension"]), func(d read.ReportDimension) any { return d.Name }),
		"value":    resolve(nonNull(gql.String), func(d read.ReportDimension) any { return d.Value }),
		"count":    resolve(gql.Float, func(d read.ReportDimension) any { return floatOrNil(d.Count) }),
		"withheld": resolve(nonNull(gql.Boolean), func(d read.ReportDimension) any { return d.Count == nil }),
	}})
	actual := gql.NewObject(gql.ObjectConfig{Name: "ReportActual", Description: "What a year achieved: computed from released figures, or entered with evidence. A withheld value is null, never a zero.", Fields: gql.Fields{
		"value":    resolve(gql.Float, func(a *read.Actual) any { return floatOrNil(a.Value) }),
		"withheld": resolve(nonNull(gql.Boolean), func(a *read.Actual) any { return a.Withheld }),
		"comment":  resolve(gql.String, func(a *read.Actual) any { return nilIfEmpty(a.Comment) }),
		"evidence": {Type: nonNull(listOf(gql.String)), DeprecationReason: "A report leaves the alliance: its evidence is counted (evidenceItems), never quoted (docs/PUBLICATION.md); the framework's values hold the texts. Always empty.",
			Resolve: resolve(gql.String, func(a *read.Actual) any { return nonNilStrings(a.Evidence) }).Resolve},
		"evidenceItems": resolve(nonNull(gql.Int), func(a *read.Actual) any { return a.EvidenceItems }),
		"dimensions":    resolve(nonNull(listOf(part)), func(a *read.Actual) any { return nonNil(a.Dimensions) }),
	}})
	period := gql.NewObject(gql.ObjectConfig{Name: "ReportPeriod", Fields: gql.Fields{
		"year":        resolve(nonNull(gql.Int), func(p read.Period) any { return p.Year }),
		"target":      resolve(t.target, func(p read.Period) any { return targetOrNil(p.Target) }),
		"actual":      resolve(actual, func(p read.Period) any { return actualOrNil(p.Actual) }),
		"achievement": {Type: gql.Float, Description: "The way from baseline to target covered, in percent.", Resolve: resolve(gql.Float, func(p read.Period) any { return floatOrNil(p.Achievement) }).Resolve},
	}})
	indicator := gql.NewObject(gql.ObjectConfig{Name: "ReportIndicator", Fields: gql.Fields{
		"indicator": resolve(nonNull(t.indicator), func(i read.IndicatorReport) any { return i.Indicator }),
		"periods":   resolve(nonNull(listOf(period)), func(i read.IndicatorReport) any { return nonNil(i.Periods) }),
	}})
	result := gql.NewObject(gql.ObjectConfig{Name: "ReportResult", Fields: gql.Fields{
		"outcome":    resolve(nonNull(t.outcome), func(r read.ResultReport) any { return r.Outcome }),
		"result":     resolve(nonNull(t.result), func(r read.ResultReport) any { return r.Result }),
		"indicators": resolve(nonNull(listOf(indicator)), func(r read.ResultReport) any { return nonNil(r.Indicators) }),
	}})
	activity := gql.NewObject(gql.ObjectConfig{Name: "ReportActivity", Description: "The programme's report, or a partner's (its regions' figures, the values entered for it).", Fields: gql.Fields{
		"partner": resolve(t.partner, func(a read.Activity) any { return partnerOrNil(a.Partner) }),
		"results": resolve(nonNull(listOf(result)), func(a read.Activity) any { return nonNil(a.Results) }),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: "DonorReport", Description: "A framework's report as of a moment: made again with the same asOf, it is the same.", Fields: gql.Fields{
		"framework":   resolve(nonNull(t.framework), func(r *read.Report) any { return r.Framework }),
		"asOf":        resolve(nonNull(gql.String), func(r *read.Report) any { return r.AsOf.Format(time.RFC3339) }),
		"figuresAsOf": {Type: nonNull(gql.String), Description: "The moment the inclusion figures are seen at: the start of asOf's month (the current month is never published).", Resolve: resolve(gql.String, func(r *read.Report) any { return r.FiguresAsOf.Format(time.RFC3339) }).Resolve},
		"years":       resolve(nonNull(listOf(gql.Int)), func(r *read.Report) any { return r.Years }),
		"activities":  resolve(nonNull(listOf(activity)), func(r *read.Report) any { return r.Activities }),
		"iati": {Type: nonNull(gql.String), Description: "The report as an IATI 2.03 activity file (XML), under the exclusion policy of docs/PUBLICATION.md.",
			Args: gql.FieldConfigArgument{"language": {Type: gql.String, DefaultValue: "fr", Description: "fr or en: the file's default language (xml:lang), which the framework's titles are to be written in; palabre's own words follow it."}},
			Resolve: func(p gql.ResolveParams) (any, error) {
				lang, _ := p.Args["language"].(string)
				if lang != "fr" && lang != "en" {
					return nil, badInput("language", "language must be fr or en")
				}
				var out bytes.Buffer
				if err := iati.Write(&out, p.Source.(*read.Report), lang); err != nil {
					requestOf(p.Context).log.Error().Err(err).Msg("writing an IATI file failed")
					return nil, errInternal
				}
				return out.String(), nil
			}},
	}})
}

func targetOrNil(t *framework.Target) any {
	if t == nil {
		return nil
	}
	return *t
}

func actualOrNil(a *read.Actual) any {
	if a == nil {
		return nil
	}
	return a
}

func partnerOrNil(p *framework.Partner) any {
	if p == nil {
		return nil
	}
	return *p
}

// resultQueries are the frameworks and the donor report.
func (b *builder) resultQueries() gql.Fields {
	return gql.Fields{
		"frameworks": {Type: nonNull(listOf(b.frameworks.framework)), Description: "The results frameworks, oldest first.",
			Resolve: func(p gql.ResolveParams) (any, error) { return anyOf(b.read.Frameworks(viewerOf(p.Context))) }},
		"framework": {Type: b.frameworks.framework, Args: gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}}, Resolve: b.byID(b.getFramework)},
		"donorReport": {Type: nonNull(b.report), Description: "A framework's donor report as of a moment (RFC 3339; none for now): the framework and values as recorded then, the figures as the release publishes them to a role without identities, as recorded at the start of that month. Not for tokens scoped to regions.",
			Args: gql.FieldConfigArgument{"frameworkId": {Type: nonNull(gql.ID)}, "asOf": {Type: gql.String, Description: "An RFC 3339 moment, or a date (YYYY-MM-DD): as recorded at the end of that day (UTC)."}},
			Resolve: func(p gql.ResolveParams) (any, error) {
				id, err := parseID("frameworkId", p.Args["frameworkId"])
				if err != nil {
					return nil, err
				}
				at, _ := p.Args["asOf"].(string)
				asOf, err := read.ReportMoment(at)
				if err != nil {
					return nil, err
				}
				return anyOf(publish.DonorReport(p.Context, b.read, viewerOf(p.Context), read.ReportQuery{FrameworkID: id, AsOf: asOf}))
			}},
	}
}

func (b *builder) getFramework(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Framework(viewerOf(ctx), id))
}
