package read

import (
	"time"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/forms"
)

// DialogueForm writes the XLSForm for KoboToolbox and ODK as the viewer
// may have it: the domain's vocabularies with their labels, the
// deployment's excluded groups, and the choices that depend on who asks:
// the open spaces and the stakeholders the viewer may see. Every door
// that hands out the form (the API's /form/dialogue.xlsx, palabre form
// xlsform) calls it. Choice names are the codes the API and the events
// store.
//
// Returns a FORBIDDEN *Error when the viewer may not read spaces or
// stakeholders, and forms.Write's error when a list is empty (a
// deployment without spaces or stakeholders yet).
func (s *Service) DialogueForm(v Viewer, groups []refdata.Entry, now time.Time) ([]byte, error) {
	lists := formVocabulary(groups)
	spaces, err := s.Spaces(v, "", ByName)
	if err != nil {
		return nil, err
	}
	for _, sp := range spaces {
		if !sp.Closed {
			lists[forms.ListSpace] = append(lists[forms.ListSpace], forms.Choice{Name: sp.ID.String(), French: sp.Name, English: sp.Name})
		}
	}
	holders, err := s.Stakeholders(v, "", ByName)
	if err != nil {
		return nil, err
	}
	for _, h := range holders {
		lists[forms.ListStakeholder] = append(lists[forms.ListStakeholder], forms.Choice{Name: h.ID.String(), French: h.Profile.Name, English: h.Profile.Name})
	}
	return forms.Write(lists, now)
}

// formVocabulary are the form's lists that are the same for everyone:
// yes and no, the domain's closed vocabularies the form asks from
// (registry.Vocabularies, by name), and the deployment's groups.
func formVocabulary(groups []refdata.Entry) forms.Lists {
	lists := forms.Lists{forms.ListYesNo: {{Name: "yes", French: "Oui", English: "Yes"}, {Name: "no", French: "Non", English: "No"}}}
	fromVocabulary := map[string]string{"DialogueFormat": forms.ListFormat, "Pillar": forms.ListPillar, "ConcernCategory": forms.ListConcern,
		"Sex": forms.ListSex, "AgeBand": forms.ListAgeBand, "Displacement": forms.ListDisplacement}
	for _, voc := range registry.Vocabularies() {
		if list, ok := fromVocabulary[voc.Name]; ok {
			lists[list] = choices(voc)
		}
	}
	for _, g := range groups {
		lists[forms.ListGroup] = append(lists[forms.ListGroup], forms.Choice{Name: g.Code, French: g.Label("fr"), English: g.Label("en")})
	}
	return lists
}

func choices(voc domain.Vocabulary) []forms.Choice {
	out := make([]forms.Choice, len(voc.Codes))
	for i, code := range voc.Codes {
		out[i] = forms.Choice{Name: code, French: voc.Labels[code].French(), English: voc.Labels[code].English()}
	}
	return out
}
