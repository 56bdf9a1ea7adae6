package stakeholder_test

import (
	"testing"

	. "github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

func TestStakeholderDecisions(t *testing.T) {
	governor := stakeholder.Profile{Name: "Gouvernorat de Mopti", Type: "governor", Level: "regional", Region: "mopti"}
	ministry := stakeholder.Profile{Name: "Ministère de la Sécurité", Type: "ministry", Level: "national"}
	Run(t, stakeholder.Decide, stakeholder.Evolve, []Scenario[stakeholder.Command, stakeholder.Event]{
		{Name: "a regional stakeholder is registered with its region",
			When: stakeholder.Register{Profile: governor}, Then: []stakeholder.Event{stakeholder.Registered{Profile: governor}}},
		{Name: "a national stakeholder needs no region",
			When: stakeholder.Register{Profile: ministry}, Then: []stakeholder.Event{stakeholder.Registered{Profile: ministry}}},
		{Name: "a local stakeholder needs a region",
			When:    stakeholder.Register{Profile: stakeholder.Profile{Name: "Chef de village", Type: "village-chief", Level: "local"}},
			Rejects: []string{"region"}},
		{Name: "every invalid field is reported",
			When:    stakeholder.Register{Profile: stakeholder.Profile{Type: "wizard", Level: "galactic", Region: "atlantis"}},
			Rejects: []string{"name", "type", "level", "region"}},
		{Name: "registered once",
			Given: []stakeholder.Event{stakeholder.Registered{Profile: governor}}, When: stakeholder.Register{Profile: governor},
			Rejects: []string{"stakeholderId"}},
		{Name: "details change",
			Given: []stakeholder.Event{stakeholder.Registered{Profile: governor}}, When: stakeholder.ChangeDetails{Profile: ministry},
			Then: []stakeholder.Event{stakeholder.DetailsChanged{Profile: ministry}}},
		{Name: "an unknown stakeholder cannot change",
			When: stakeholder.ChangeDetails{Profile: ministry}, Rejects: []string{"stakeholderId"}},
	})
}
