package commitment_test

import (
	"testing"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	. "github.com/palabre/palabre/events/domain/domaintest"
)

var (
	governor, gaoSpace, otherSpace, dialogueID, retracted = ID(1), ID(2), ID(3), ID(4), ID(5)
	facts                                                 = Facts{
		Stakeholders: map[domain.ID]domain.StakeholderFacts{governor: {Region: "gao"}},
		Spaces:       map[domain.ID]domain.SpaceFacts{gaoSpace: {Region: "gao"}, otherSpace: {Region: "mopti"}},
		Dialogues:    map[domain.ID]domain.DialogueFacts{dialogueID: {SpaceID: gaoSpace}, retracted: {SpaceID: gaoSpace, Retracted: true}},
	}
)

func promise() commitment.Promise {
	return commitment.Promise{
		StakeholderID: governor, SpaceID: &gaoSpace, DialogueID: &dialogueID,
		Text: "Déployer des patrouilles mixtes sur la route d'Ansongo", Pillar: "security",
		MadeOn: Date(2026, 2, 10), DueOn: Date(2026, 6, 30), Benefits: []string{"women", "pastoralists"},
	}
}

func TestCommitmentDecisions(t *testing.T) {
	made := commitment.Made{Promise: promise()}
	elsewhere := promise()
	elsewhere.SpaceID = &otherSpace
	dueBefore := promise()
	dueBefore.DueOn = Date(2026, 1, 1)
	bad := commitment.Promise{StakeholderID: ID(99), DialogueID: &retracted, Pillar: "x", Benefits: []string{"unicorns", "women", "women"}}
	progress := commitment.ReportProgress{ReportedOn: Date(2026, 3, 1), Status: "at-risk", Note: "budget non voté", Evidence: []string{"PV de la réunion du 1er mars"}}
	Run(t, commitment.Decide, commitment.Evolve, []Scenario[commitment.Command, commitment.Event]{
		{Name: "a registered stakeholder makes a commitment in a dialogue", When: commitment.Make{Promise: promise()}, Facts: facts, Then: []commitment.Event{made}},
		{Name: "the dialogue must have been held in the commitment's space", When: commitment.Make{Promise: elsewhere}, Facts: facts, Rejects: []string{"dialogueId"}},
		{Name: "a due date is not before the date made", When: commitment.Make{Promise: dueBefore}, Facts: facts, Rejects: []string{"dueOn"}},
		{Name: "every problem is reported at once", When: commitment.Make{Promise: bad}, Facts: facts,
			Rejects: []string{"stakeholderId", "dialogueId", "text", "pillar", "madeOn", "benefits[0]", "benefits[2]"}},
		{Name: "progress is reported", Given: []commitment.Event{made}, When: progress, Then: []commitment.Event{commitment.ProgressReported(progress)}},
		{Name: "progress has a known status and is not dated before the commitment",
			Given: []commitment.Event{made}, When: commitment.ReportProgress{ReportedOn: Date(2026, 1, 1), Status: "meh"}, Rejects: []string{"reportedOn", "status"}},
		{Name: "a due date is revised with a reason",
			Given: []commitment.Event{made}, When: commitment.ReviseDueDate{DueOn: Date(2026, 1, 1)}, Rejects: []string{"dueOn", "reason"}},
		{Name: "a commitment is fulfilled", Given: []commitment.Event{made}, When: commitment.Fulfil{On: Date(2026, 3, 15)},
			Then: []commitment.Event{commitment.FulfilledEvent{On: Date(2026, 3, 15)}}},
		{Name: "fulfilment is not in the future", Given: []commitment.Event{made}, When: commitment.Fulfil{On: Date(2026, 12, 1)}, Rejects: []string{"on"}},
		{Name: "a fulfilled commitment takes no further progress",
			Given: []commitment.Event{made, commitment.FulfilledEvent{On: Date(2026, 3, 15)}}, When: progress, Rejects: []string{"commitmentId"}},
		{Name: "a broken commitment cannot be fulfilled",
			Given: []commitment.Event{made, commitment.BrokenEvent{On: Date(2026, 3, 1)}}, When: commitment.Fulfil{On: Date(2026, 3, 15)}, Rejects: []string{"commitmentId"}},
		{Name: "a withdrawn commitment cannot be broken",
			Given: []commitment.Event{made, commitment.WithdrawnEvent{On: Date(2026, 3, 1)}}, When: commitment.Break{On: Date(2026, 3, 15)}, Rejects: []string{"commitmentId"}},
		{Name: "an unknown commitment takes nothing", When: progress, Rejects: []string{"commitmentId"}},
	})
}
