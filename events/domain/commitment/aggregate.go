package commitment

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the commitment aggregate to the rest of palabre.
// An outcome's evidence checks its facts.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Make{}, ReportProgress{}, ReviseDueDate{}, Fulfil{}, Break{}, Withdraw{}},
	Creation: Make{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Facts:  func(s State) any { return s.Facts() },
	// A commitment is of its space's region, else of its stakeholder's.
	Where: func(s State) domain.Where {
		w, _ := whereOf(s.Promise)
		return w
	},
	Puts: func(c Command) (domain.Where, string, bool) {
		if m, ok := c.(Make); ok {
			w, field := whereOf(m.Promise)
			return w, field, true
		}
		return domain.Where{}, "", false
	},
	Summaries: map[string]domain.Label{"CommitmentMade": {"Engagement pris", "Commitment made"}, "CommitmentProgressReported": {"Point d’avancement", "Progress reported"},
		"CommitmentDueDateRevised": {"Échéance révisée", "Due date revised"}, "CommitmentFulfilled": {"Engagement tenu", "Commitment fulfilled"},
		"CommitmentBroken": {"Engagement non tenu", "Commitment broken"}, "CommitmentWithdrawn": {"Engagement retiré", "Commitment withdrawn"}},
	On: func(e Event) domain.Date {
		switch e := e.(type) {
		case Made:
			return e.MadeOn
		case ProgressReported:
			return e.ReportedOn
		case FulfilledEvent:
			return e.On
		case BrokenEvent:
			return e.On
		case WithdrawnEvent:
			return e.On
		}
		return domain.Date{}
	},
	Vocabularies: []domain.Vocabulary{
		{Name: "CommitmentStatus", Codes: Statuses, Labels: map[string]domain.Label{
			"open": {"En cours", "Open"}, "fulfilled": {"Tenu", "Fulfilled"}, "broken": {"Non tenu", "Broken"}, "withdrawn": {"Retiré", "Withdrawn"}}},
		{Name: "ProgressStatus", Codes: ProgressStatuses, Labels: map[string]domain.Label{
			"on-track": {"En bonne voie", "On track"}, "at-risk": {"À risque", "At risk"}, "stalled": {"Au point mort", "Stalled"}}},
		{Name: "Beneficiary", Codes: Beneficiaries, Labels: map[string]domain.Label{
			"women": {"Femmes", "Women"}, "youth": {"Jeunes", "Youth"}, "persons-with-disabilities": {"Personnes handicapées", "Persons with disabilities"},
			"displaced": {"Personnes déplacées", "Displaced people"}, "community": {"Communauté", "Community"}}},
	},
}

// whereOf is a promise's region, and the field that gives it: its space's,
// else its stakeholder's.
func whereOf(p Promise) (domain.Where, string) {
	if p.SpaceID != nil {
		return domain.Where{Of: &domain.Ref{Category: "space", ID: *p.SpaceID}}, "spaceId"
	}
	return domain.Where{Of: &domain.Ref{Category: "stakeholder", ID: p.StakeholderID}}, "stakeholderId"
}
