package publish

import (
	"slices"

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

// Named reports whether a publication names a stakeholder: an institution
// acting at regional, national or international level. Any other is
// published by its type and region alone, and its commitments without
// their wording, which names it as surely as its name (« Le chef de
// village de … s'engage à … »).
func Named(p stakeholder.Profile) bool {
	return p.Level != "local" && !slices.Contains(personalTypes, p.Type)
}

// authorityOf is a stakeholder as a publication shows it.
func authorityOf(p stakeholder.Profile) Authority {
	a := Authority{Type: p.Type, Level: p.Level, Region: p.Region, Named: Named(p)}
	if a.Named {
		a.Name = p.Name
	}
	return a
}
