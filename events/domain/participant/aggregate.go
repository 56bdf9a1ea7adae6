package participant

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the participant aggregate to the rest of palabre.
// Its commands go through the handler's Enrol, CorrectParticipant and
// Erase, which seal identities and claim codes around the decision.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category:  Category,
	Events:    EventTypes,
	Upcasters: Upcasters,
	Commands:  []Command{Enrol{}, CorrectProfile{}, Erase{}},
	Creation:  Enrol{},
	Decide:    Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Facts:  func(s State) any { return s.Facts() },
	Where:  func(s State) domain.Where { return domain.Where{Region: s.Profile.Region} },
	Puts: func(c Command) (domain.Where, string, bool) {
		switch c := c.(type) {
		case Enrol:
			return domain.Where{Region: c.Region}, "region", true
		case CorrectProfile:
			return domain.Where{Region: c.Region}, "region", true
		}
		return domain.Where{}, "", false
	},
	Place: func(c Command, region string) Command {
		switch c := c.(type) {
		case Enrol:
			c.Region = region
			return c
		case CorrectProfile:
			c.Region = region
			return c
		}
		return c
	},
	// A correction's summary says the profile changed, never to what.
	Summaries: map[string]domain.Label{"ParticipantEnrolled": {"Participant·e inscrit·e", "Participant enrolled"}, "ParticipantProfileCorrected": {"Profil corrigé", "Profile corrected"},
		"ParticipantErased": {"Participant·e effacé·e (nom et téléphone détruits)", "Participant erased (name and phone destroyed)"}, "ParticipantCodeClaimed": {"Code revendiqué", "Code claimed"}},
	On: func(e Event) domain.Date {
		if e, ok := e.(Erased); ok {
			return e.ErasedOn
		}
		return domain.Date{}
	},
	Vocabularies: []domain.Vocabulary{
		{Name: "Sex", Codes: Sexes, Labels: map[string]domain.Label{"female": {"Femme", "Woman"}, "male": {"Homme", "Man"}}},
		{Name: "AgeBand", Codes: AgeBands, Labels: map[string]domain.Label{
			"under-15": {"Moins de 15 ans", "Under 15"}, "15-17": {"15 à 17 ans", "15 to 17"}, "18-24": {"18 à 24 ans", "18 to 24"},
			"25-35": {"25 à 35 ans", "25 to 35"}, "36-59": {"36 à 59 ans", "36 to 59"}, "60-plus": {"60 ans et plus", "60 and over"}}},
		{Name: "Displacement", Codes: Displacements, Labels: map[string]domain.Label{
			"none": {"Non déplacé·e", "Not displaced"}, "internally-displaced": {"Déplacé·e interne", "Internally displaced"},
			"returnee": {"Retourné·e", "Returnee"}, "refugee": {"Réfugié·e", "Refugee"}}},
		{Name: "Difficulty", Codes: Difficulties, Labels: map[string]domain.Label{
			"no-difficulty": {"Aucune difficulté", "No difficulty"}, "some-difficulty": {"Quelque difficulté", "Some difficulty"},
			"a-lot-of-difficulty": {"Beaucoup de difficulté", "A lot of difficulty"}, "cannot-do-at-all": {"Ne peut pas du tout", "Cannot do at all"}}},
	},
}
