package framework

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// Category is the stream category: streams are "framework-<ULID>".
const Category = "framework"

// ResultTypes are IATI's result types (codes 1, 2, 3 and 9).
var ResultTypes = []string{"output", "outcome", "impact", "other"}

// Measures are how an indicator is measured: IATI's unit (1), percentage
// (2) and qualitative (5).
var Measures = []string{"unit", "percentage", "qualitative"}

// Rules are the computations palabre ships for indicators taken from the
// log. Each says what it counts in its label; the read service computes
// them through the disclosure method.
var Rules = []string{"participants-reached", "spaces-meeting", "commitments-fulfilled", "excluded-group-share", "outcomes-harvested"}

// RuleMeasure is the measure each rule gives.
var RuleMeasure = map[string]string{
	"participants-reached": "unit", "spaces-meeting": "unit", "commitments-fulfilled": "unit", "excluded-group-share": "percentage",
	"outcomes-harvested": "unit",
}

// Dimensions are what a value may be split by: IATI's dimension names.
var Dimensions = []string{"sex", "age", "disability"}

// Programme is what a framework reports on: the activity its IATI file
// describes.
type Programme struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Identifier is the IATI activity identifier: the reporting
	// organisation's reference, a hyphen, the programme's own code.
	Identifier   string       `json:"identifier"`
	ReportingOrg Organisation `json:"reportingOrg"`
	Funder       Organisation `json:"funder"`
	// Country is the recipient country, ISO 3166-1 alpha-2 ("ML").
	Country string `json:"country"`
	// StartOn and EndOn are the programme's dates; EndOn may be unset.
	StartOn domain.Date `json:"startOn"`
	EndOn   domain.Date `json:"endOn"`
	// Vocabulary is the donor's list of indicator codes, published as the
	// reporting organisation's own vocabulary (IATI vocabulary 99).
	Vocabulary Vocabulary `json:"vocabulary"`
	// Partners implement it; with several, the IATI file has a child
	// activity per partner.
	Partners []Partner `json:"partners,omitempty"`
}

// Organisation is an organisation as IATI names it.
type Organisation struct {
	Ref  string `json:"ref"`
	Name string `json:"name"`
	// Type is IATI's OrganisationType code ("22": a national NGO).
	Type string `json:"type"`
}

// Vocabulary names the donor's codes: "Dutch MFA basket indicators" and
// where the list is published.
type Vocabulary struct {
	Name string `json:"name"`
	URI  string `json:"uri"`
}

// Partner is an implementing organisation and the regions it works in.
type Partner struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Ref     string   `json:"ref,omitempty"`
	Type    string   `json:"type"`
	Regions []string `json:"regions"`
}

// Outcome is a programme outcome: the change its results serve.
type Outcome struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Result is one result of an outcome, of an IATI result type.
type Result struct {
	Key         string `json:"key"`
	OutcomeKey  string `json:"outcomeKey"`
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
}

// Indicator measures a result.
type Indicator struct {
	Key         string `json:"key"`
	ResultKey   string `json:"resultKey"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Measure     string `json:"measure"`
	// Ascending: it improves from small to large.
	Ascending bool     `json:"ascending"`
	Baseline  Baseline `json:"baseline"`
	Targets   []Target `json:"targets,omitempty"`
	// References are the donor's codes it reports against, in the
	// programme's vocabulary.
	References []string `json:"references,omitempty"`
	// Rule computes it from the log; "" when its values are entered.
	Rule   string     `json:"rule,omitempty"`
	Params RuleParams `json:"params"`
}

// Baseline is where an indicator starts: a year and a value (a comment
// for a qualitative one).
type Baseline struct {
	Year    int      `json:"year"`
	Value   *float64 `json:"value,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// Target is what an indicator aims at in a year.
type Target struct {
	Year    int      `json:"year"`
	Value   *float64 `json:"value,omitempty"`
	Comment string   `json:"comment,omitempty"`
}

// RuleParams narrow a rule: commitments of a pillar, the share of one
// excluded group, one space's members, outcomes of a change type.
type RuleParams struct {
	Pillar     string     `json:"pillar,omitempty"`
	Group      string     `json:"group,omitempty"`
	SpaceID    *domain.ID `json:"spaceId,omitempty"`
	ChangeType string     `json:"changeType,omitempty"`
}

// Value is an indicator's value entered by hand for a year, for the whole
// programme or for one partner, with its evidence.
type Value struct {
	IndicatorKey string      `json:"indicatorKey"`
	Year         int         `json:"year"`
	PartnerKey   string      `json:"partnerKey,omitempty"`
	Value        *float64    `json:"value,omitempty"`
	Comment      string      `json:"comment,omitempty"`
	Evidence     []string    `json:"evidence"`
	Dimensions   []Dimension `json:"dimensions,omitempty"`
}

// Dimension is a part of a value: women among participants reached.
type Dimension struct {
	Name  string  `json:"name"`  // sex, age or disability
	Value string  `json:"value"` // female, 15-35, yes…
	Count float64 `json:"count"`
}

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$`)

func checkKey(p *domain.Problems, field, key string) {
	if !keyPattern.MatchString(key) {
		p.Add(field, "%q is not a key (letters, digits, '.', '_' or '-', at most 20)", key)
	}
}

func checkYear(p *domain.Problems, field string, year int) {
	if year < 2000 || year > 2100 {
		p.Add(field, "%d is not a year between 2000 and 2100", year)
	}
}

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

// OrganisationTypes are IATI's OrganisationType codes.
var OrganisationTypes = []string{"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"}

func checkProgramme(p *domain.Problems, pr Programme, env domain.Env) {
	domain.Text(p, "title", pr.Title, true, 300)
	domain.Note(p, "description", pr.Description, false, 4000)
	domain.Text(p, "identifier", pr.Identifier, true, 100)
	checkOrganisation(p, "reportingOrg", pr.ReportingOrg, true)
	if pr.Funder != (Organisation{}) {
		checkOrganisation(p, "funder", pr.Funder, false)
	}
	if ref := pr.ReportingOrg.Ref; ref != "" && !strings.HasPrefix(pr.Identifier, ref+"-") {
		p.Add("identifier", "must begin with the reporting organisation's reference (%s-…)", pr.ReportingOrg.Ref)
	}
	if !countryPattern.MatchString(pr.Country) {
		p.Add("country", "%q is not a country code (ISO 3166-1, two capitals: ML)", pr.Country)
	}
	domain.CheckDate(p, "startOn", pr.StartOn, true, domain.Env{})
	if !pr.EndOn.IsZero() && pr.EndOn.Before(pr.StartOn) {
		p.Add("endOn", "%s is before startOn (%s)", pr.EndOn, pr.StartOn)
	}
	domain.Text(p, "vocabulary.name", pr.Vocabulary.Name, false, 200)
	// A web address: it is published in the IATI file, where a reader
	// follows it (javascript: or file: would act, not lead).
	if u, err := url.Parse(pr.Vocabulary.URI); pr.Vocabulary.URI != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		p.Add("vocabulary.uri", "%q is not a web address (https://…)", pr.Vocabulary.URI)
	}
	checkPartners(p, pr.Partners, env)
}

// checkOrganisation: a name and an IATI type always, a reference when
// refRequired.
func checkOrganisation(p *domain.Problems, field string, o Organisation, refRequired bool) {
	domain.Text(p, field+".ref", o.Ref, refRequired, 100)
	domain.Text(p, field+".name", o.Name, true, 300)
	domain.OneOf(p, field+".type", o.Type, true, OrganisationTypes)
}

func checkPartners(p *domain.Problems, partners []Partner, env domain.Env) {
	var keys []string
	for i, pa := range partners {
		field := "partners[" + itoa(i) + "]"
		checkKey(p, field+".key", pa.Key)
		if slices.Contains(keys, pa.Key) {
			p.Add(field+".key", "%q is another partner's key", pa.Key)
		}
		keys = append(keys, pa.Key)
		checkOrganisation(p, field, Organisation{pa.Ref, pa.Name, pa.Type}, false)
		if len(pa.Regions) == 0 {
			p.Add(field+".regions", "is required: the regions the partner works in")
		}
		for j, r := range pa.Regions {
			domain.CheckRegion(p, field+".regions["+itoa(j)+"]", r, true, env)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
