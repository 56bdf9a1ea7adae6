package site

import (
	"github.com/palabre/palabre/core/publish"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/registry"
)

// labels name codes in the reader's language: the domain's vocabularies
// by name, and the deployment's regions.
type labels struct {
	lang    string
	vocab   map[string]domain.Vocabulary
	regions map[string]refdata.Entry
}

func newLabels(lang string, regions []refdata.Entry) labels {
	l := labels{lang: lang, vocab: map[string]domain.Vocabulary{}, regions: map[string]refdata.Entry{}}
	for _, v := range registry.Vocabularies() {
		l.vocab[v.Name] = v
	}
	for _, r := range regions {
		l.regions[r.Code] = r
	}
	return l
}

// of is a code's label in vocabulary name, the code itself when unknown.
func (l labels) of(name, code string) string {
	if lab, ok := l.vocab[name].Labels[code]; ok {
		return lab.In(l.lang)
	}
	return code
}

// region is a region's name, the code itself when unknown.
func (l labels) region(code string) string {
	if r, ok := l.regions[code]; ok {
		return r.Label(l.lang)
	}
	return code
}

// authority is how the site calls an authority: its name when the
// publication names it, else its type and region and its reference, so
// that two unnamed ones stay apart (publish.Named says why).
func (l labels) authority(a publish.Authority) string {
	if a.Named {
		return a.Name
	}
	s := l.of("StakeholderType", a.Type)
	if a.Region != "" {
		s += " · " + l.region(a.Region)
	}
	return s + " (" + a.Ref + ")"
}

// authorityNames are the site's names of the authorities, by Ref.
func (l labels) authorityNames(o *publish.Observatory) map[string]string {
	names := make(map[string]string, len(o.Authorities))
	for _, a := range o.Authorities {
		names[a.Ref] = l.authority(a)
	}
	return names
}
