package graphql

import (
	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/events/domain/framework"
)

// frameworkInputs are the inputs of the results framework's commands;
// their fields are the domain's, so a refusal names the input's field.
func (b *builder) frameworkInputs() map[string]commandInput {
	e := b.enums
	text, date, year, real := gql.Input(gql.String), gql.Input(dateType), gql.Input(gql.Int), gql.Input(gql.Float)
	organisation := func(name string) *gql.InputObject {
		return inputObject(name, "An organisation as IATI names it: its reference (e.g. NL-KVK-12345678), name and IATI OrganisationType code (21: international NGO, 22: national NGO).",
			inputField{"ref", text, "", nil}, inputField{"name", required(text), "", nil}, inputField{"type", required(text), "", nil})
	}
	partner := inputObject("PartnerInput", "An implementing partner; with several, the IATI file has a child activity per partner.",
		inputField{"key", required(text), "Its key in the framework, e.g. \"MOP\".", nil}, inputField{"name", required(text), "", nil},
		inputField{"ref", text, "", nil}, inputField{"type", required(text), "IATI OrganisationType code.", nil},
		inputField{"regions", required(listOfIn(text)), "The regions it works in.", nil})
	programme := inputObject("ProgrammeInput", "The programme a framework reports on.",
		inputField{"title", required(text), "", nil}, inputField{"description", text, "", nil},
		inputField{"identifier", required(text), "The IATI activity identifier: the reporting organisation's ref, a hyphen, the programme's code.", nil},
		inputField{"reportingOrg", required(organisation("ReportingOrgInput")), "", nil}, inputField{"funder", organisation("FunderInput"), "", nil},
		inputField{"country", required(text), "ISO 3166-1 alpha-2, e.g. ML.", nil}, inputField{"startOn", required(date), "", nil}, inputField{"endOn", date, "", nil},
		inputField{"vocabulary", inputObject("VocabularyInput", "The donor's list of indicator codes, published as the reporting organisation's own vocabulary.",
			inputField{"name", text, "", nil}, inputField{"uri", text, "Where the list is published (https://…).", nil}), "", nil},
		inputField{"partners", listOfIn(partner), "", nil})
	amount := func(name string) *gql.InputObject {
		return inputObject(name, "A year and a value, or for a qualitative indicator a comment.",
			inputField{"year", required(year), "", nil}, inputField{"value", real, "", nil}, inputField{"comment", text, "", nil})
	}
	indicator := inputObject("IndicatorInput", "An indicator: its rule, or none for values entered by hand.",
		inputField{"key", required(text), "", nil}, inputField{"resultKey", required(text), "", nil}, inputField{"title", required(text), "", nil},
		inputField{"description", text, "", nil}, inputField{"measure", required(e["IndicatorMeasure"]), "", nil},
		inputField{"ascending", gql.Boolean, "Whether it improves from small to large.", true},
		inputField{"baseline", required(amount("BaselineInput")), "", nil}, inputField{"targets", listOfIn(amount("TargetInput")), "", nil},
		inputField{"references", listOfIn(text), "The donor's codes it reports against.", nil},
		inputField{"rule", e["IndicatorRule"], "", nil}, inputField{"pillar", e["Pillar"], "", nil},
		inputField{"group", text, "An excluded group's code, for EXCLUDED_GROUP_SHARE.", nil}, inputField{"spaceId", gql.ID, "", nil},
		inputField{"changeType", e["ChangeType"], "The change type OUTCOMES_HARVESTED counts.", nil})
	dimension := inputObject("ValueDimensionInput", "A part of a value: name SEX, AGE or DISABILITY, value e.g. female, 15-35, yes.",
		inputField{"name", required(e["Dimension"]), "", nil}, inputField{"value", required(text), "", nil}, inputField{"count", required(real), "", nil})
	value := inputObject("IndicatorValueInput", "A value entered by hand, with its evidence.",
		inputField{"indicatorKey", required(text), "", nil}, inputField{"year", required(year), "", nil}, inputField{"partnerKey", text, "", nil},
		inputField{"value", real, "", nil}, inputField{"comment", text, "", nil},
		inputField{"evidence", required(listOfIn(text)), "Where the value can be checked: a report, a dialogue, a commitment.", nil},
		inputField{"dimensions", listOfIn(dimension), "", nil})
	keyed := func(name, desc string, fields ...inputField) *gql.InputObject {
		return inputObject(name, desc, fields...)
	}
	return map[string]commandInput{
		"defineFramework":        {programme, func(r inputValues) any { return framework.Define{Programme: programmeOf(r)} }},
		"changeFrameworkDetails": {programme, func(r inputValues) any { return framework.ChangeDetails{Programme: programmeOf(r)} }},
		"setFrameworkOutcome": {keyed("OutcomeInput", "A programme outcome, set by its key.", inputField{"key", required(text), "", nil},
			inputField{"title", required(text), "", nil}, inputField{"description", text, "", nil}),
			func(r inputValues) any {
				return framework.SetOutcome{Outcome: framework.Outcome{Key: r.str("key"), Title: r.str("title"), Description: r.str("description")}}
			}},
		"setFrameworkResult": {keyed("ResultInput", "A result of an outcome, set by its key.", inputField{"key", required(text), "", nil},
			inputField{"outcomeKey", required(text), "", nil}, inputField{"type", required(e["ResultType"]), "", nil},
			inputField{"title", required(text), "", nil}, inputField{"description", text, "", nil}),
			func(r inputValues) any {
				return framework.SetResult{Result: framework.Result{Key: r.str("key"), OutcomeKey: r.str("outcomeKey"), Type: r.str("type"), Title: r.str("title"), Description: r.str("description")}}
			}},
		"setFrameworkIndicator": {indicator, func(r inputValues) any { return framework.SetIndicator{Indicator: indicatorOf(r)} }},
		"recordIndicatorValue":  {value, func(r inputValues) any { return framework.RecordValue{Value: valueOf(r)} }},
	}
}

func organisationOf(r inputValues) framework.Organisation {
	return framework.Organisation{Ref: r.str("ref"), Name: r.str("name"), Type: r.str("type")}
}

func programmeOf(r inputValues) framework.Programme {
	p := framework.Programme{Title: r.str("title"), Description: r.str("description"), Identifier: r.str("identifier"),
		ReportingOrg: organisationOf(r.object("reportingOrg")), Country: r.str("country"), StartOn: r.date("startOn"), EndOn: r.date("endOn")}
	if r.has("funder") {
		p.Funder = organisationOf(r.object("funder"))
	}
	if r.has("vocabulary") {
		v := r.object("vocabulary")
		p.Vocabulary = framework.Vocabulary{Name: v.str("name"), URI: v.str("uri")}
	}
	for _, pa := range r.objects("partners") {
		p.Partners = append(p.Partners, framework.Partner{Key: pa.str("key"), Name: pa.str("name"), Ref: pa.str("ref"), Type: pa.str("type"), Regions: pa.strs("regions")})
	}
	return p
}

func indicatorOf(r inputValues) framework.Indicator {
	in := framework.Indicator{Key: r.str("key"), ResultKey: r.str("resultKey"), Title: r.str("title"), Description: r.str("description"),
		Measure: r.str("measure"), Ascending: !r.has("ascending") || r.flag("ascending"), References: r.strs("references"), Rule: r.str("rule"),
		Params: framework.RuleParams{Pillar: r.str("pillar"), Group: r.str("group"), SpaceID: r.optionalID("spaceId"), ChangeType: r.str("changeType")}}
	if r.has("baseline") {
		b := r.object("baseline")
		in.Baseline = framework.Baseline{Year: b.integer("year"), Value: b.real("value"), Comment: b.str("comment")}
	}
	for _, t := range r.objects("targets") {
		in.Targets = append(in.Targets, framework.Target{Year: t.integer("year"), Value: t.real("value"), Comment: t.str("comment")})
	}
	return in
}

func valueOf(r inputValues) framework.Value {
	v := framework.Value{IndicatorKey: r.str("indicatorKey"), Year: r.integer("year"), PartnerKey: r.str("partnerKey"),
		Value: r.real("value"), Comment: r.str("comment"), Evidence: r.strs("evidence")}
	for _, d := range r.objects("dimensions") {
		count := 0.0
		if c := d.real("count"); c != nil {
			count = *c
		}
		v.Dimensions = append(v.Dimensions, framework.Dimension{Name: d.str("name"), Value: d.str("value"), Count: count})
	}
	return v
}
