package space

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the space aggregate to the rest of palabre.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Establish{}, ChangeDetails{}, SetTargets{}, Close{}},
	Creation: Establish{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Facts:  func(s State) any { return s.Facts() },
	Where:  func(s State) domain.Where { return domain.Where{Region: s.Details.Region} },
	Puts: func(c Command) (domain.Where, string, bool) {
		switch c := c.(type) {
		case Establish:
			return domain.Where{Region: c.Region}, "region", true
		case ChangeDetails:
			return domain.Where{Region: c.Region}, "region", true
		}
		return domain.Where{}, "", false
	},
	Place: func(c Command, region string) Command {
		switch c := c.(type) {
		case Establish:
			c.Region = region
			return c
		case ChangeDetails:
			c.Region = region
			return c
		}
		return c
	},
	Summaries: map[string]domain.Label{"SpaceEstablished": {"Espace créé", "Space established"}, "SpaceDetailsChanged": {"Détails modifiés", "Details changed"},
		"SpaceTargetsSet": {"Cibles fixées", "Targets set"}, "SpaceClosed": {"Espace fermé", "Space closed"}},
	On: func(e Event) domain.Date {
		switch e := e.(type) {
		case Established:
			return e.EstablishedOn
		case Closed:
			return e.ClosedOn
		}
		return domain.Date{}
	},
	Vocabularies: []domain.Vocabulary{{Name: "SpaceKind", Codes: Kinds, Labels: map[string]domain.Label{
		"security-advisory-committee": {"Comité consultatif de sécurité", "Security advisory committee"},
		"community-dialogue-forum":    {"Espace de dialogue communautaire", "Community dialogue forum"},
		"justice-actors-exchange":     {"Cadre d'échange des acteurs de la justice", "Justice actors' exchange"},
		"youth-mediator-network":      {"Réseau de jeunes médiateurs", "Youth mediator network"},
		"womens-association":          {"Association de femmes", "Women's association"},
		"youth-association":           {"Association de jeunes", "Youth association"}, "other": {"Autre", "Other"}}}},
}
