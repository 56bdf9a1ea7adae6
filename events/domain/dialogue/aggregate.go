package dialogue

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the dialogue aggregate to the rest of palabre.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Hold{}, CorrectAttendance{}, Correct{}, Retract{}},
	Creation: Hold{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Facts:  func(s State) any { return s.Facts() },
	// A dialogue is of its space's region.
	Where: func(s State) domain.Where {
		return domain.Where{Of: &domain.Ref{Category: "space", ID: s.Record.SpaceID}}
	},
	Puts: func(c Command) (domain.Where, string, bool) {
		if c, ok := c.(Hold); ok {
			return domain.Where{Of: &domain.Ref{Category: "space", ID: c.SpaceID}}, "spaceId", true
		}
		return domain.Where{}, "", false
	},
	Summaries: map[string]domain.Label{"DialogueHeld": {"Dialogue saisi", "Dialogue logged"}, "DialogueAttendanceCorrected": {"Présence corrigée", "Attendance corrected"},
		"DialogueCorrected": {"Dialogue corrigé", "Dialogue corrected"},
		"DialogueRetracted": {"Dialogue retiré", "Dialogue retracted"}},
	On: func(e Event) domain.Date {
		switch e := e.(type) {
		case Held:
			return e.HeldOn
		case Corrected:
			return e.HeldOn
		}
		return domain.Date{}
	},
	Vocabularies: []domain.Vocabulary{
		{Name: "DialogueFormat", Codes: Formats, Labels: map[string]domain.Label{
			"community-dialogue": {"Dialogue communautaire", "Community dialogue"}, "committee-meeting": {"Réunion de comité", "Committee meeting"},
			"workshop": {"Atelier", "Workshop"}, "training": {"Formation", "Training"}, "radio-debate": {"Débat radiophonique", "Radio debate"},
			"mobile-court-session": {"Audience foraine", "Mobile court session"}, "exchange-visit": {"Visite d'échange", "Exchange visit"},
			"other": {"Autre", "Other"}}},
		{Name: "ConcernCategory", Codes: ConcernCategories, Labels: map[string]domain.Label{
			"security": {"Sécurité", "Security"}, "justice": {"Justice", "Justice"}, "governance": {"Gouvernance", "Governance"},
			"access-to-services": {"Accès aux services", "Access to services"}, "land-and-resources": {"Foncier et ressources", "Land and resources"},
			"gender-based-violence": {"Violences basées sur le genre", "Gender-based violence"}, "displacement": {"Déplacement", "Displacement"},
			"livelihoods": {"Moyens de subsistance", "Livelihoods"}, "social-cohesion": {"Cohésion sociale", "Social cohesion"},
			"other": {"Autre", "Other"}}},
	},
}
