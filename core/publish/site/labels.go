package site

import (
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
