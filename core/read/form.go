package read

import (
	"maps"
	"time"

	"github.com/palabre/palabre/events/forms"
)

// DialogueForm writes the XLSForm for KoboToolbox and ODK as the viewer
// may have it: the lists every form has (vocabularies, the deployment's
// groups), given by the caller, and the choices that depend on who asks,
// from this service: the open spaces and the stakeholders the viewer may
// see. Every door that hands out the form (the API's /form/dialogue.xlsx,
// palabre form xlsform) calls it.
//
// Returns a FORBIDDEN *Error when the viewer may not read spaces or
// stakeholders, and forms.Write's error when a list is empty (a
// deployment without spaces or stakeholders yet).
func (s *Service) DialogueForm(v Viewer, fixed forms.Lists, now time.Time) ([]byte, error) {
	lists := maps.Clone(fixed)
	if lists == nil {
		lists = forms.Lists{}
	}
	lists[forms.ListSpace], lists[forms.ListStakeholder] = nil, nil
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
