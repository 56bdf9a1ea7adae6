// Package iati writes a donor report (read.Report) as an IATI 2.03
// activity file: the programme as one activity, and with several partners
// a child activity per partner (hierarchy 2, related to the programme as
// its parent), each with its results.
//
// The structure follows the official schema, iati-activities-schema.xsd
// of IATI-Schemas 2.03: iati-activities/iati-activity, whose required
// iati-identifier, reporting-org, title, description, participating-org,
// activity-status and activity-date come first, in the schema's sequence,
// then recipient-country, related-activity and result — result/indicator
// with reference (the donor's codes as the publisher's own vocabulary,
// 99, with its indicator-uri), baseline, period (period-start, period-end,
// target, actual), dimension (sex, age, disability) as one actual per
// part, and qualitative indicators (measure 5) as comments without value.
// Codes are from IATI's codelists: ResultType (1 output, 2 outcome, 3
// impact, 9 other), IndicatorMeasure (1 unit, 2 percentage, 5
// qualitative), ActivityStatus 2 (implementation), ActivityDateType (1
// planned start, 2 actual start, 3 planned end), OrganisationRole (1
// funding, 2 accountable, 4 implementing), RelatedActivityType (1 parent,
// 2 child), IndicatorVocabulary 99 (the reporting organisation's). The
// IATI-Rulesets' checks of results hold too: a quantitative baseline,
// target and actual always has a value (a withheld actual is left out),
// and a result has no reference beside its indicators' (8.11.1): the
// programme outcome it serves is said in its description.
//
// # Exclusion policy
//
// What the file leaves out is docs/PUBLICATION.md's policy, which an
// alliance publishes beside it: no location element (the regions a
// partner works in are named in its description, nothing finer), no name
// of a person, no evidence text (it stays with the publisher; the file
// says how many items support a value), figures only as the disclosure
// method releases them (a withheld figure is left out, never written as
// zero), and the figures as recorded at the start of the report's month.
//
// # Caveats
//
// The file is made from the report alone and stamps it with the report's
// moment, never the clock: the same report always gives the same bytes.
package iati
