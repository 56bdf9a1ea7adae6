package framework

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the results framework aggregate to the rest of
// palabre. A framework is the programme's, of no region: every region's
// figures report to it.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Define{}, ChangeDetails{}, SetOutcome{}, SetResult{}, SetIndicator{}, RecordValue{}},
	Creation: Define{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Where:  func(State) domain.Where { return domain.Where{} },
	Puts:   func(Command) (domain.Where, string, bool) { return domain.Where{}, "", false },
	Summaries: map[string]domain.Label{
		"FrameworkDefined": {"Cadre de résultats défini", "Results framework defined"}, "FrameworkDetailsChanged": {"Détails du programme modifiés", "Programme details changed"},
		"FrameworkOutcomeSet": {"Effet fixé", "Outcome set"}, "FrameworkResultSet": {"Résultat fixé", "Result set"}, "FrameworkIndicatorSet": {"Indicateur fixé", "Indicator set"},
		"IndicatorValueRecorded": {"Valeur d’indicateur saisie", "Indicator value recorded"},
	},
	Vocabularies: []domain.Vocabulary{
		{Name: "ResultType", Codes: ResultTypes, Labels: map[string]domain.Label{
			"output": {"Extrant", "Output"}, "outcome": {"Effet", "Outcome"}, "impact": {"Impact", "Impact"}, "other": {"Autre", "Other"}}},
		{Name: "IndicatorMeasure", Codes: Measures, Labels: map[string]domain.Label{
			"unit": {"Nombre", "Unit"}, "percentage": {"Pourcentage", "Percentage"}, "qualitative": {"Qualitatif", "Qualitative"}}},
		{Name: "IndicatorRule", Codes: Rules, Labels: map[string]domain.Label{
			"participants-reached":  {"Participations aux dialogues (par sexe, âge, handicap)", "Attendances at dialogues (by sex, age, disability)"},
			"spaces-meeting":        {"Espaces de concertation réunis avec la société civile", "Consultative spaces meeting with civil society"},
			"commitments-fulfilled": {"Engagements tenus dans l’année", "Commitments fulfilled in the year"},
			"excluded-group-share":  {"Part d’un groupe exclu parmi les participations", "Share of an excluded group among attendances"},
			"outcomes-harvested":    {"Effets récoltés d’un type de changement", "Outcomes harvested of a change type"}}},
		{Name: "Dimension", Codes: Dimensions, Labels: map[string]domain.Label{
			"sex": {"Sexe", "Sex"}, "age": {"Âge", "Age"}, "disability": {"Handicap", "Disability"}}},
	},
}
