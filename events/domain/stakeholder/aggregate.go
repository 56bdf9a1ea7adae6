package stakeholder

import "github.com/palabre/palabre/events/domain"

// Aggregate describes the stakeholder aggregate to the rest of palabre.
var Aggregate = &domain.Aggregate[State, Command, Event]{
	Category: Category,
	Events:   EventTypes,
	Commands: []Command{Register{}, ChangeDetails{}},
	Creation: Register{},
	Decide:   Decide, Evolve: Evolve, Refs: Refs,
	Exists: func(s State) bool { return s.Exists },
	Facts:  func(s State) any { return s.Facts() },
	// A national or international office has no region: everyone's.
	Where: func(s State) domain.Where { return domain.Where{Region: s.Profile.Region} },
	Puts: func(c Command) (domain.Where, string, bool) {
		switch c := c.(type) {
		case Register:
			return domain.Where{Region: c.Region}, "region", true
		case ChangeDetails:
			return domain.Where{Region: c.Region}, "region", true
		}
		return domain.Where{}, "", false
	},
	Place: func(c Command, region string) Command {
		switch c := c.(type) {
		case Register:
			c.Region = region
			return c
		case ChangeDetails:
			c.Region = region
			return c
		}
		return c
	},
	Summaries: map[string]domain.Label{"StakeholderRegistered": {"Partie prenante enregistrée", "Stakeholder registered"}, "StakeholderDetailsChanged": {"Détails modifiés", "Details changed"}},
	Vocabularies: []domain.Vocabulary{
		{Name: "StakeholderType", Codes: Types, Labels: map[string]domain.Label{
			"governor": {"Gouverneur", "Governor"}, "prefect": {"Préfet", "Prefect"}, "sub-prefect": {"Sous-préfet", "Sub-prefect"},
			"mayor": {"Maire", "Mayor"}, "municipal-council": {"Conseil communal", "Municipal council"}, "fama-unit": {"Unité des FAMa", "FAMa unit"},
			"gendarmerie": {"Gendarmerie", "Gendarmerie"}, "police": {"Police", "Police"}, "national-guard": {"Garde nationale", "National guard"},
			"court": {"Tribunal", "Court"}, "prosecutor": {"Parquet", "Prosecutor"}, "village-chief": {"Chef de village", "Village chief"},
			"traditional-authority": {"Autorité traditionnelle", "Traditional authority"}, "cadi": {"Cadi", "Cadi"},
			"religious-leader": {"Leader religieux", "Religious leader"}, "cso": {"Organisation de la société civile", "Civil society organisation"},
			"womens-association": {"Association de femmes", "Women's association"}, "youth-association": {"Association de jeunes", "Youth association"},
			"media": {"Média", "Media"}, "ministry": {"Ministère", "Ministry"},
			"international-organisation": {"Organisation internationale", "International organisation"}, "other": {"Autre", "Other"}}},
		{Name: "StakeholderLevel", Codes: Levels, Labels: map[string]domain.Label{
			"local": {"Local", "Local"}, "regional": {"Régional", "Regional"}, "national": {"National", "National"}, "international": {"International", "International"}}},
	},
}
