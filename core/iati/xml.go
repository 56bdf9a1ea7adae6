package iati

import "encoding/xml"

// The elements, in the order iati-activities-schema.xsd's sequences give
// them; attributes and elements left empty are left out.

type activities struct {
	XMLName    xml.Name   `xml:"iati-activities"`
	Version    string     `xml:"version,attr"`
	Generated  string     `xml:"generated-datetime,attr"`
	Activities []activity `xml:"iati-activity"`
}

type activity struct {
	Updated      string          `xml:"last-updated-datetime,attr"`
	Lang         string          `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Hierarchy    string          `xml:"hierarchy,attr,omitempty"`
	Identifier   string          `xml:"iati-identifier"`
	ReportingOrg org             `xml:"reporting-org"`
	Title        narratives      `xml:"title"`
	Description  []description   `xml:"description"`
	Orgs         []participating `xml:"participating-org"`
	Status       code            `xml:"activity-status"`
	Dates        []date          `xml:"activity-date"`
	Countries    []country       `xml:"recipient-country"`
	Related      []related       `xml:"related-activity"`
	Results      []result        `xml:"result"`
}

type narrative struct {
	Text string `xml:",chardata"`
}

type narratives struct {
	Narrative []narrative `xml:"narrative"`
}

func text(s string) []narrative { return []narrative{{Text: s}} }
func texts(s string) narratives { return narratives{Narrative: text(s)} }

type org struct {
	Ref       string      `xml:"ref,attr"`
	Type      string      `xml:"type,attr"`
	Narrative []narrative `xml:"narrative"`
}

type description struct {
	Type      string      `xml:"type,attr,omitempty"`
	Narrative []narrative `xml:"narrative"`
}

type participating struct {
	Ref       string      `xml:"ref,attr,omitempty"`
	Type      string      `xml:"type,attr,omitempty"`
	Role      string      `xml:"role,attr"`
	Narrative []narrative `xml:"narrative"`
}

type code struct {
	Code string `xml:"code,attr"`
}

type date struct {
	Type string `xml:"type,attr"`
	ISO  string `xml:"iso-date,attr"`
}

type country struct {
	Code       string `xml:"code,attr"`
	Percentage string `xml:"percentage,attr,omitempty"`
}

type related struct {
	Ref  string `xml:"ref,attr"`
	Type string `xml:"type,attr"`
}

type result struct {
	Type        string      `xml:"type,attr"`
	Title       narratives  `xml:"title"`
	Description *narratives `xml:"description"`
	References  []reference `xml:"reference"`
	Indicators  []indicator `xml:"indicator"`
}

type reference struct {
	Vocabulary string `xml:"vocabulary,attr"`
	Code       string `xml:"code,attr"`
}

type indicator struct {
	Measure     string         `xml:"measure,attr"`
	Ascending   string         `xml:"ascending,attr"`
	Title       narratives     `xml:"title"`
	Description *narratives    `xml:"description"`
	References  []indicatorRef `xml:"reference"`
	Baselines   []measured     `xml:"baseline"`
	Periods     []period       `xml:"period"`
}

type indicatorRef struct {
	Vocabulary string `xml:"vocabulary,attr"`
	Code       string `xml:"code,attr"`
	URI        string `xml:"indicator-uri,attr,omitempty"`
}

// measured is a baseline, a target or an actual: dimensions, then a
// comment, as the schema orders them.
type measured struct {
	Year       string      `xml:"year,attr,omitempty"`
	Value      string      `xml:"value,attr,omitempty"`
	Dimensions []dimension `xml:"dimension"`
	Comment    *narratives `xml:"comment"`
}

type dimension struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type period struct {
	Start   isoDate    `xml:"period-start"`
	End     isoDate    `xml:"period-end"`
	Targets []measured `xml:"target"`
	Actuals []measured `xml:"actual"`
}

type isoDate struct {
	ISO string `xml:"iso-date,attr"`
}
