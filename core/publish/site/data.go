package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/palabre/palabre/core/csvcell"
	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/events/domain"
)

// openData are the publication's data as CSV and JSON, with the
// vocabularies' codes (stable for scripts) and headings in the reader's
// language.
func openData(o *publish.Observatory, opt Options) (map[string][]byte, error) {
	fr := opt.Lang != "en"
	h := func(french, english string) string {
		if fr {
			return french
		}
		return english
	}
	names := newLabels(opt.Lang, opt.Regions).authorityNames(o)
	tables := map[string][][]any{}
	tables["data/engagements.csv"] = [][]any{{h("réf", "ref"), h("autorité", "authority"), h("région", "region"), h("pilier", "pillar"), h("engagement", "commitment"),
		h("pris le", "made on"), h("échéance", "due on"), h("statut", "status"), h("réglé le", "settled on")}}
	tables["data/suivis.csv"] = [][]any{{h("engagement", "commitment"), "n", h("date", "date"), h("type", "kind"), h("statut", "status"), h("pièces", "evidence items")}}
	for _, a := range o.Authorities {
		for _, c := range a.Commitments {
			tables["data/engagements.csv"] = append(tables["data/engagements.csv"], []any{c.Ref, names[a.Ref], c.Region, c.Pillar, c.Text, day(c.MadeOn), day(c.DueOn), c.Status, day(c.SettledOn)})
			for _, p := range c.Progress {
				tables["data/suivis.csv"] = append(tables["data/suivis.csv"], []any{c.Ref, p.N, day(p.On), p.Kind, p.Status, p.EvidenceItems})
			}
		}
	}
	rateHead := []any{h("clé", "key"), h("nom", "name"), h("pris", "made"), h("en cours", "open"), h("tenus", "fulfilled"), h("non tenus", "broken"), h("retirés", "withdrawn"), h("taux de tenue", "fulfilment rate")}
	tables["data/taux-autorites.csv"] = append([][]any{rateHead}, rateRows(relabel(o.RatesByAuthority, names))...)
	tables["data/taux-regions.csv"] = append([][]any{rateHead}, rateRows(o.RatesByRegion)...)
	tables["data/inclusion.csv"] = [][]any{{h("région", "region"), h("année", "year"), h("mesure", "measure"), h("nombre", "count"), h("part", "share"), h("masqué", "withheld"), h("perturbé", "perturbed")}}
	for _, c := range o.Inclusion {
		tables["data/inclusion.csv"] = append(tables["data/inclusion.csv"], []any{c.Region, c.Year, c.Measure, intOrEmpty(c.Count), floatOrEmpty(c.Share), c.Withheld, c.Perturbed})
	}
	tables["data/changements.csv"] = [][]any{{h("réf", "ref"), h("acteur", "actor"), h("type", "change type"), h("date", "date"), h("région", "region"), h("description", "description"),
		h("importance", "significance"), h("contribution", "contribution"), h("autres contributions", "others' contribution"), h("voulu", "intended"), h("étiquettes", "tags"), h("preuves", "evidence"), h("dialogues cités", "dialogues cited"), h("corroboration", "substantiation")}}
	for _, c := range o.Outcomes {
		tables["data/changements.csv"] = append(tables["data/changements.csv"], []any{c.Ref, c.Actor, c.ChangeType, day(c.On), c.Region, c.Description, c.Significance,
			c.Contribution, c.OthersContribution, c.Intended, strings.Join(c.Tags, "; "), evidenceRefs(c.Evidence), c.Dialogues, strings.Join(c.Verdicts, "; ")})
	}
	files := map[string][]byte{}
	for name, rows := range tables {
		body, err := writeCSV(rows)
		if err != nil {
			return nil, err
		}
		files[name] = body
	}
	body, err := json.MarshalIndent(o, "", " ")
	if err != nil {
		return nil, err
	}
	files["data/observatoire.json"] = append(body, '\n')
	return files, nil
}

func rateRows(rates []publish.Rate) [][]any {
	var out [][]any
	for _, r := range rates {
		out = append(out, []any{r.Key, r.Label, r.Made, r.Open, r.Fulfilled, r.Broken, r.Withdrawn, floatOrEmpty(r.Rate)})
	}
	return out
}

func evidenceRefs(es []publish.Evidence) string {
	var parts []string
	for _, e := range es {
		s := e.Commitment
		if e.Report > 0 {
			s += "#" + strconv.Itoa(e.Report)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// writeCSV writes UTF-8 with a byte-order mark, as palabre's exports do;
// every text passes csvcell.Text, numbers stay numbers.
func writeCSV(rows [][]any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case string:
				rec[i] = csvcell.Text(v)
			case int:
				rec[i] = strconv.Itoa(v)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			case bool:
				rec[i] = strconv.FormatBool(v)
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func intOrEmpty(n *int) any {
	if n == nil {
		return ""
	}
	return *n
}

func floatOrEmpty(f *float64) any {
	if f == nil {
		return ""
	}
	return *f
}

// day is a date as ISO 8601, empty when unknown.
func day(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// relabel names the authorities' rates as the site does.
func relabel(rates []publish.Rate, names map[string]string) []publish.Rate {
	out := slices.Clone(rates)
	for i := range out {
		out[i].Label = names[out[i].Key]
	}
	return out
}
