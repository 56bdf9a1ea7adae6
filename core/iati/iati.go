package iati

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain/framework"
)

// Version is the IATI standard's version the file follows.
const Version = "2.03"

// Codes of IATI's codelists the file uses.
var (
	resultTypes = map[string]string{"output": "1", "outcome": "2", "impact": "3", "other": "9"}
	measures    = map[string]string{"unit": "1", "percentage": "2", "qualitative": "5"}
)

const (
	statusImplementation = "2"
	datePlannedStart     = "1"
	dateActualStart      = "2"
	datePlannedEnd       = "3"
	roleFunding          = "1"
	roleAccountable      = "2"
	roleImplementing     = "4"
	relatedParent        = "1"
	relatedChild         = "2"
	vocabularyPublisher  = "99"
)

// Write writes the report as an IATI activity file whose default
// language (xml:lang) is lang, "fr" or "en": the language the framework's
// titles are written in, which palabre's own words follow.
//
// What it writes is what the publication policy lets a donor report
// carry (publish.Policy.DonorReport), the rule the public observatory
// follows too.
func Write(w io.Writer, r *read.Report, lang string) error {
	r = publish.ForDonor(r).DonorReport(r)
	doc := activities{Version: Version, Generated: stamp(r.AsOf)}
	for _, a := range r.Activities {
		doc.Activities = append(doc.Activities, activityOf(r, a, len(r.Activities) > 1, lang))
	}
	if _, err := io.WriteString(w, xml.Header+"<!-- "+said(lang, "Rapport au bailleur fait par palabre ; politique d’exclusion : voir la politique publiée avec ce fichier.", "Donor report made by palabre; exclusion policy: see the policy published with this file.")+" -->\n"); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("iati: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func said(lang, fr, en string) string {
	if lang == "en" {
		return en
	}
	return fr
}

// activityOf is the programme's activity, or a partner's child activity.
func activityOf(r *read.Report, a read.Activity, hierarchy bool, lang string) activity {
	p := r.Programme
	act := activity{Updated: stamp(r.AsOf), Lang: lang, Identifier: p.Identifier,
		ReportingOrg: org{Ref: p.ReportingOrg.Ref, Type: p.ReportingOrg.Type, Narrative: text(p.ReportingOrg.Name)},
		Title:        texts(p.Title), Description: []description{{Type: "1", Narrative: text(descriptionOf(p, a, lang))}},
		Status: code{Code: statusImplementation}, Countries: []country{{Code: p.Country, Percentage: "100"}}}
	start := dateActualStart
	if p.StartOn.Time().After(r.AsOf) {
		start = datePlannedStart // IATI's ruleset: an actual date is never in the future
	}
	act.Dates = append(act.Dates, date{Type: start, ISO: p.StartOn.String()})
	if !p.EndOn.IsZero() {
		act.Dates = append(act.Dates, date{Type: datePlannedEnd, ISO: p.EndOn.String()})
	}
	if p.Funder.Name != "" {
		act.Orgs = append(act.Orgs, participating{Role: roleFunding, Ref: p.Funder.Ref, Type: p.Funder.Type, Narrative: text(p.Funder.Name)})
	}
	act.Orgs = append(act.Orgs, participating{Role: roleAccountable, Ref: p.ReportingOrg.Ref, Type: p.ReportingOrg.Type, Narrative: text(p.ReportingOrg.Name)})
	if hierarchy {
		act.Hierarchy = "1"
	}
	switch {
	case a.Partner != nil:
		act.Identifier, act.Hierarchy = childID(p, *a.Partner), "2"
		act.Orgs = append(act.Orgs, implementing(*a.Partner))
		act.Related = []related{{Type: relatedParent, Ref: p.Identifier}}
	default:
		for _, pa := range p.Partners {
			act.Orgs = append(act.Orgs, implementing(pa))
			if hierarchy {
				act.Related = append(act.Related, related{Type: relatedChild, Ref: childID(p, pa)})
			}
		}
	}
	for _, res := range a.Results {
		act.Results = append(act.Results, resultOf(p, res, lang))
	}
	return act
}

func implementing(pa framework.Partner) participating {
	return participating{Role: roleImplementing, Ref: pa.Ref, Type: pa.Type, Narrative: text(pa.Name)}
}

// childID is a partner's activity: the programme's identifier and the
// partner's key.
func childID(p framework.Programme, pa framework.Partner) string { return p.Identifier + "-" + pa.Key }

// descriptionOf describes an activity; a partner's names its regions,
// the finest geography the file gives.
func descriptionOf(p framework.Programme, a read.Activity, lang string) string {
	d := p.Description
	if d == "" {
		d = p.Title
	}
	if a.Partner == nil {
		return d
	}
	return d + " — " + a.Partner.Name + said(lang, ", régions : ", ", regions: ") + strings.Join(a.Partner.Regions, ", ")
}

func resultOf(p framework.Programme, rr read.ResultReport, lang string) result {
	res := result{Type: resultTypes[rr.Result.Type], Title: texts(rr.Result.Title),
		// The outcome it serves is said in words, not as a result
		// reference: IATI's ruleset (8.11.1) refuses a result reference
		// beside indicators' references, which carry the donor's codes.
		Description: &narratives{Narrative: text(said(lang, "Effet du programme ", "Programme outcome ") + rr.Outcome.Key + " : " + rr.Outcome.Title)}}
	if rr.Result.Description != "" {
		res.Description.Narrative[0].Text += ". " + rr.Result.Description
	}
	for _, in := range rr.Indicators {
		res.Indicators = append(res.Indicators, indicatorOf(p, in, lang))
	}
	return res
}

func indicatorOf(p framework.Programme, in read.IndicatorReport, lang string) indicator {
	ind := indicator{Measure: measures[in.Measure], Ascending: boolean(in.Ascending), Title: texts(in.Title)}
	if in.Description != "" {
		ind.Description = &narratives{Narrative: text(in.Description)}
	}
	for _, c := range in.References {
		ind.References = append(ind.References, indicatorRef{Vocabulary: vocabularyPublisher, Code: c, URI: p.Vocabulary.URI})
	}
	qualitative := in.Measure == "qualitative"
	b := in.Baseline
	ind.Baselines = []measured{{Year: strconv.Itoa(b.Year), Value: amount(b.Value, qualitative), Comment: comment(b.Comment)}}
	for _, pe := range in.Periods {
		per := period{Start: isoDate{fmt.Sprintf("%d-01-01", pe.Year)}, End: isoDate{fmt.Sprintf("%d-12-31", pe.Year)}}
		if t := pe.Target; t != nil {
			per.Targets = []measured{{Value: amount(t.Value, qualitative), Comment: comment(t.Comment)}}
		}
		per.Actuals = actualsOf(pe.Actual, qualitative, lang)
		if len(per.Targets) > 0 || len(per.Actuals) > 0 {
			ind.Periods = append(ind.Periods, per)
		}
	}
	return ind
}

// actualsOf are a year's actual and one more per released part (IATI
// 2.03 disaggregates by repeating actual with a dimension); a withheld
// figure is left out, never written as a zero.
func actualsOf(a *read.Actual, qualitative bool, lang string) []measured {
	if a == nil || (!qualitative && a.Value == nil) {
		return nil
	}
	total := measured{Value: amount(a.Value, qualitative), Comment: comment(a.Comment)}
	if a.EvidenceItems > 0 {
		note := fmt.Sprintf(said(lang, "Justifié par %d pièce(s) tenue(s) par l’organisation qui publie.", "Supported by %d item(s) of evidence held by the publisher."), a.EvidenceItems)
		// One narrative: IATI's several narratives of an element are
		// translations of one text, each in its own language.
		total.Comment = comment(strings.TrimSpace(a.Comment + " " + note))
	}
	out := []measured{total}
	for _, d := range a.Dimensions {
		if d.Count != nil {
			out = append(out, measured{Value: number(*d.Count), Dimensions: []dimension{{Name: d.Name, Value: d.Value}}})
		}
	}
	return out
}

func amount(v *float64, qualitative bool) string {
	if v == nil || qualitative {
		return ""
	}
	return number(*v)
}

func number(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func boolean(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func comment(s string) *narratives {
	if s == "" {
		return nil
	}
	return &narratives{Narrative: text(s)}
}
