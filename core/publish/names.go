package publish

import (
	"math"
	"slices"
	"strings"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Who a publication names. A promise tracker exists to name the
// authorities that promise; but in central and northern Mali village
// chiefs, cadis, imams and other customary and religious figures are
// targeted for talking to the state, and the name of a local office
// (« Mairie de Léré », « Chefferie de Kobou ») is the locality the
// publication otherwise coarsens to its region, and with it where a
// consultative space meets.

// personalTypes are stakeholders that are in practice one person, whom
// their title names wherever they act.
var personalTypes = []string{"village-chief", "traditional-authority", "cadi", "religious-leader"}

// communeTypes are offices of a commune or a district, local whatever
// level they were registered at: their name is their place's.
var communeTypes = []string{"mayor", "municipal-council", "sub-prefect"}

// Named reports whether a publication may name a stakeholder by its
// profile: an institution acting at regional, national or international
// level. Any other is published by its type and region alone, and its
// commitments without their wording, which names it as surely as its name
// (« Le chef de village de … s'engage à … »). A name that holds a place
// of the record is kept back too (places.mentioned).
func Named(p stakeholder.Profile) bool {
	return p.Level != "local" && !slices.Contains(personalTypes, p.Type) && !slices.Contains(communeTypes, p.Type)
}

// places are the localities the record holds below its regions (where
// the consultative spaces and their dialogues meet), folded, that no
// published name may hold:
// « Poste de commandement des FAMa de Goundam », registered as regional,
// names where a space meets as surely as a mayor's office.
type places [][]string

// placesOf are the localities of the spaces and of the dialogues, other
// than their regions' names (which the publication shows anyway).
func placesOf(svc *read.Service, v read.Viewer) (places, error) {
	spaces, err := svc.Spaces(v, "", read.ByName)
	if err != nil {
		return nil, err
	}
	// Every dialogue at once: a publication reads them once.
	dialogues, _, err := svc.Dialogues(v, read.DialogueQuery{Limit: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	var ps places
	regionOf := map[domain.ID]string{}
	for _, sp := range spaces {
		ps = ps.add(sp.Locality, sp.Region)
		regionOf[sp.ID] = sp.Region
	}
	for _, d := range dialogues {
		ps = ps.add(d.Dialogue.Locality, regionOf[d.Dialogue.SpaceID])
	}
	return ps, nil
}

// add adds a locality unless it is empty, its region's name or known.
func (ps places) add(locality, region string) places {
	words := read.FoldWords(locality)
	if len(words) == 0 || slices.Equal(words, read.FoldWords(region)) || slices.ContainsFunc(ps, func(p []string) bool { return slices.Equal(p, words) }) {
		return ps
	}
	return append(ps, words)
}

// mentioned reports whether a text holds one of the places, as whole
// words: "Commune I" is not in "Commune IV".
func (ps places) mentioned(text string) bool {
	words := read.FoldWords(text)
	for _, p := range ps {
		for i := 0; i+len(p) <= len(words); i++ {
			if slices.Equal(words[i:i+len(p)], p) {
				return true
			}
		}
	}
	return false
}

// authorityOf is a stakeholder as a publication shows it.
func (ps places) authorityOf(p stakeholder.Profile) Authority {
	a := Authority{Type: p.Type, Level: p.Level, Region: p.Region, Named: Named(p) && !ps.mentioned(p.Name)}
	if a.Named {
		a.Name = strings.TrimSpace(p.Name)
	}
	return a
}
