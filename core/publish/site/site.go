package site

import (
	"bytes"
	"crypto/ed25519"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"os"
	"path/filepath"

	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
)

//go:embed pages.tmpl style.css
var assets embed.FS

// Options are how a site is written.
type Options struct {
	// Lang is the pages' language, "fr" (the default) or "en".
	Lang string
	// Regions name the deployment's regions.
	Regions []refdata.Entry
	// Key signs the manifest; its public half is published in the site.
	Key ed25519.PrivateKey
}

// pages are the site's HTML files: the page's name in the templates, its
// file, and its heading's catalogue key.
var pages = []struct{ page, file, heading string }{
	{"index", "index.html", "rates"},
	{"commitments", "engagements.html", "commitments"},
	{"inclusion", "inclusion.html", "inclusion"},
	{"outcomes", "changements.html", "outcomes"},
}

// Write writes the publication into dir, which must be empty or not
// exist, and signs it. Returns an error naming dir when it holds files.
func Write(dir string, o *publish.Observatory, opt Options) error {
	if opt.Lang != "en" {
		opt.Lang = "fr"
	}
	if len(opt.Key) != ed25519.PrivateKeySize {
		return errors.New("site: a publication needs its signing key")
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("--out: %s already holds files; a publication goes into an empty folder", dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	files, err := render(o, opt)
	if err != nil {
		return err
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), body, 0o644); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	}
	return Sign(dir, opt.Key)
}

// render makes every file of the site but the manifest and its signature.
func render(o *publish.Observatory, opt Options) (map[string][]byte, error) {
	files, err := openData(o, opt)
	if err != nil {
		return nil, err
	}
	css, err := assets.ReadFile("style.css")
	if err != nil {
		return nil, err
	}
	files["style.css"] = css
	key := base64.StdEncoding.EncodeToString(opt.Key.Public().(ed25519.PublicKey))
	files[PublicKeyFile] = []byte(key + "\n")
	l := newLabels(opt.Lang, opt.Regions)
	tmpl, err := template.New("site").Funcs(funcs(l, o)).ParseFS(assets, "pages.tmpl")
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	each := func(file string, data pageData) error {
		var b bytes.Buffer
		data.Lang, data.O, data.Key, data.Measures = opt.Lang, o, key, publish.Measures
		data.fill(l)
		if err := tmpl.ExecuteTemplate(&b, "layout", data); err != nil {
			return fmt.Errorf("site: %s: %w", file, err)
		}
		files[file] = b.Bytes()
		return nil
	}
	for _, p := range pages {
		if err := each(p.file, pageData{Page: p.page, Heading: p.heading}); err != nil {
			return nil, err
		}
	}
	// A region's authorities per page, and an authority per page: a phone
	// fetches only what it reads.
	for _, region := range commitmentRegions(o) {
		title := say(opt.Lang, "national")
		if region != "" {
			title = l.region(region)
		}
		if err := each(regionFile(region), pageData{Page: "authorities", Heading: "commitments", Title: title, Authorities: o.RatesIn(region)}); err != nil {
			return nil, err
		}
	}
	// An authority per page: a phone fetches only the one it reads.
	for i := range o.Authorities {
		a := &o.Authorities[i]
		if err := each(authorityFile(a.Ref), pageData{Page: "authority", Heading: "commitments", A: a}); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// regionFile is the page of a region's authorities; "" for those of no
// region (national, international).
func regionFile(region string) string {
	if region == "" {
		return "autorites-nationales.html"
	}
	return "autorites-" + region + ".html"
}

// commitmentRegions are the regions whose rates the pages link to, and
// "" when a commitment is of no region: a region's page lists the
// authorities whose commitments there its rate counts, wherever the
// authority itself sits.
func commitmentRegions(o *publish.Observatory) []string {
	var out []string
	for _, r := range o.RatesByRegion {
		out = append(out, r.Key)
	}
	if o.NoRegion() {
		out = append(out, "")
	}
	return out
}

// authorityFile is an authority's page.
func authorityFile(ref string) string { return "autorite-" + ref + ".html" }

// pageData is what a page's template reads.
type pageData struct {
	Lang, Page, Heading, Key string
	O                        *publish.Observatory
	A                        *publish.Authority // an authority's page
	Title                    string             // a region's authorities' page
	Authorities              []publish.Rate     // the authorities of that page
	National                 bool               // whether any commitment is of no region
	Measures                 []string
	RegionRates              []publish.Rate // labelled with the regions' names
	Years                    []yearTable
}

type yearTable struct {
	Year int
	Rows []regionRow
}

type regionRow struct {
	Year   int
	Region string
	Cells  []publish.Cell
}

// fill arranges the inclusion cells by year and region, as they come.
func (d *pageData) fill(l labels) {
	d.National = d.O.NoRegion()
	for _, r := range d.O.RatesByRegion {
		r.Label = l.region(r.Key)
		d.RegionRates = append(d.RegionRates, r)
	}
	for _, c := range d.O.Inclusion {
		if n := len(d.Years); n == 0 || d.Years[n-1].Year != c.Year {
			d.Years = append(d.Years, yearTable{Year: c.Year})
		}
		y := &d.Years[len(d.Years)-1]
		if n := len(y.Rows); n == 0 || y.Rows[n-1].Region != c.Region {
			y.Rows = append(y.Rows, regionRow{Year: c.Year, Region: c.Region})
		}
		row := &y.Rows[len(y.Rows)-1]
		row.Cells = append(row.Cells, c)
	}
	// The latest year first: what a reader comes for.
	for i, j := 0, len(d.Years)-1; i < j; i, j = i+1, j-1 {
		d.Years[i], d.Years[j] = d.Years[j], d.Years[i]
	}
}

type rateTable struct {
	Caption, Head string
	Rates         []publish.Rate
}

// funcs are the templates' words, numbers, dates and labels in the
// reader's language.
func funcs(l labels, o *publish.Observatory) template.FuncMap {
	authorityOf := map[string]string{} // a commitment's Ref → its authority's
	for _, a := range o.Authorities {
		for _, c := range a.Commitments {
			authorityOf[c.Ref] = a.Ref
		}
	}
	names := l.authorityNames(o)
	return template.FuncMap{
		"authorityName":  func(ref string) string { return names[ref] },
		"authorityFile":  authorityFile,
		"regionFile":     regionFile,
		"commitmentLink": func(ref string) string { return authorityFile(authorityOf[ref]) + "#" + ref },
		"t":              func(key string, args ...any) string { return say(l.lang, key, args...) },
		"num":            func(n int) string { return number(l.lang, n) },
		"pct":            func(share float64) string { return percent(l.lang, share) },
		"date":           func(d domain.Date) string { return date(l.lang, d) },
		"label":          l.of,
		"region":         l.region,
		"deref":          func(f *float64) float64 { return *f },
		"derefInt":       func(n *int) int { return *n },
		"table": func(caption, head string, rates []publish.Rate) rateTable {
			return rateTable{Caption: caption, Head: head, Rates: rates}
		},
	}
}
