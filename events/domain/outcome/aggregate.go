package outcome

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the outcome aggregate to the rest of palabre. No
// other aggregate checks an outcome's facts.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Harvest{}, Revise{}, MarkPublic{}, RequestSubstantiation{}, RecordSubstantiation{}, EraseVerifier{}},
	Creation: Harvest{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	// An outcome is of the region where the change happened.
	Where: func(s State) domain.Where { return domain.Where{Region: s.Record.Region} },
	Puts: func(c Command) (domain.Where, string, bool) {
		switch c := c.(type) {
		case Harvest:
			return domain.Where{Region: c.Region}, "region", true
		case Revise:
			return domain.Where{Region: c.Region}, "region", true
		}
		return domain.Where{}, "", false
	},
	Place: func(c Command, region string) Command {
		switch c := c.(type) {
		case Harvest:
			c.Region = region
			return c
		case Revise:
			c.Region = region
			return c
		}
		return c
	},
	Summaries: map[string]domain.Label{"OutcomeHarvested": {"Changement consigné", "Outcome harvested"}, "OutcomeRevised": {"Changement révisé", "Outcome revised"},
		"OutcomeMarkedPublic": {"Marque publique changée", "Publication mark set"}, "OutcomeSubstantiationRequested": {"Vérification demandée", "Substantiation requested"},
		"OutcomeSubstantiationRecorded": {"Vérification consignée", "Substantiation recorded"}, "OutcomeVerifierErased": {"Personne vérificatrice effacée", "Verifier erased"}},
	On: func(e Event) domain.Date {
		switch e := e.(type) {
		case Harvested:
			return e.On
		case Revised:
			return e.On
		case SubstantiationRequested:
			return e.RequestedOn
		case SubstantiationRecorded:
			return e.AnsweredOn
		case VerifierErased:
			return e.ErasedOn
		}
		return domain.Date{}
	},
	Vocabularies: []domain.Vocabulary{
		{Name: "ChangeType", Codes: ChangeTypes, Labels: map[string]domain.Label{
			"policy": {"Politique", "Policy"}, "practice": {"Pratique", "Practice"}, "relationship": {"Relation", "Relationship"},
			"agenda": {"Agenda", "Agenda"}, "action": {"Action", "Action"}}},
		{Name: "Verdict", Codes: Verdicts, Labels: map[string]domain.Label{
			"agree": {"D’accord", "Agree"}, "partly": {"En partie d’accord", "Partly agree"}, "disagree": {"Pas d’accord", "Disagree"}}},
		{Name: "SubstantiationState", Codes: SubstantiationStates, Labels: map[string]domain.Label{
			"not-requested": {"Non demandée", "Not requested"}, "requested": {"Demandée", "Requested"}, "substantiated": {"Vérifié", "Substantiated"}}},
		{Name: "EvidenceKind", Codes: EvidenceKinds, Labels: map[string]domain.Label{
			"dialogue": {"Dialogue", "Dialogue"}, "commitment": {"Engagement", "Commitment"}, "progress-report": {"Point d’avancement", "Progress report"}}},
	},
}
