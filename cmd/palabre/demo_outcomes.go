package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
)

// demoOutcomes is how many outcomes the demo harvests from commitments
// fulfilled at a dialogue.
const demoOutcomes = 8

// demoChange is what the demo says changed, by pillar: an illustration,
// in the words an M&E officer would write.
var demoChange = map[string][3]string{
	"security":  {"L’autorité a tenu la patrouille promise et associe désormais le comité aux décisions sur les patrouilles", "Les usagers de la route du marché circulent à nouveau le jour de foire", "sécurité"},
	"justice":   {"L’autorité a tenu les audiences foraines promises et en publie le calendrier", "Les justiciables des communes éloignées sont jugés sans se déplacer à la ville", "justice"},
	"inclusion": {"L’autorité reçoit désormais les associations de femmes et de jeunes avant chaque décision budgétaire", "Les femmes et les jeunes pèsent sur les choix budgétaires de la commune", "femmes"},
}

// harvestDemoOutcomes logs a few outcomes through the command handler,
// each from a commitment fulfilled at a dialogue: its stakeholder the
// actor, the commitment, its first progress report and the dialogue the
// evidence. Most are put to a verifier (a made-up name, sealed under the
// data directory's keys as any verifier's), some answered, some marked
// public.
func harvestDemoOutcomes(ctx context.Context, h *commands.Handler, fulfilled []commitments.Commitment, regionOf func(domain.ID) string, today domain.Date) (int, error) {
	n := 0
	for _, c := range fulfilled {
		if n == demoOutcomes {
			break
		}
		if c.DialogueID == nil || c.SpaceID == nil {
			continue
		}
		err := harvestDemoOutcome(ctx, h, n, c, regionOf(*c.SpaceID), today)
		if errors.Is(err, errNotHarvested) {
			continue // its dialogue was retracted, say: another commitment will do
		}
		if err != nil {
			return n, fmt.Errorf("demo outcome %d: %w", n+1, err)
		}
		n++
	}
	return n, nil
}

func harvestDemoOutcome(ctx context.Context, h *commands.Handler, i int, c commitments.Commitment, region string, today domain.Date) error {
	meta := func() commands.Meta { return commands.Meta{CommandID: ulid.Make(), RecordedBy: "palabre demo"} }
	words := demoChange[c.Pillar]
	evidence := []outcome.Evidence{{Kind: outcome.KindCommitment, ID: c.ID}, {Kind: outcome.KindDialogue, ID: *c.DialogueID}}
	if len(c.History) > 0 && c.History[0].Kind == "progress" {
		evidence = append(evidence, outcome.Evidence{Kind: outcome.KindProgressReport, ID: c.ID, Report: 1})
	}
	create := meta()
	id := create.CommandID
	record := outcome.Record{ActorID: c.StakeholderID, ChangeType: outcome.ChangeTypes[i%len(outcome.ChangeTypes)], On: c.SettledOn, Region: region,
		Description: words[0], Significance: words[1], Contribution: "Plaidoyer du comité consultatif et suivi de l’engagement pris en dialogue",
		OthersContribution: "Les autorités coutumières ont relayé la demande", Intended: i%3 != 2, Tags: []string{words[2]}, Evidence: evidence}
	if _, err := commands.Outcome.Execute(ctx, h, id, outcome.Harvest{Record: record}, create); err != nil {
		if errors.Is(err, domain.ErrRejected) {
			return fmt.Errorf("%w: %w", errNotHarvested, err)
		}
		return err
	}
	if i%3 == 0 {
		if _, err := commands.Outcome.Execute(ctx, h, id, outcome.MarkPublic{Public: true}, meta()); err != nil {
			return err
		}
	}
	if i%4 == 3 {
		return nil // not yet put to a verifier
	}
	asked := minDate(domain.DateOf(c.SettledOn.Time().AddDate(0, 0, 7)), today)
	request := outcome.RequestSubstantiation{RequestID: ulid.Make(), RequestedOn: asked}
	verifier := keystore.Identity{Name: fmt.Sprintf("Vérificateur·rice de démonstration %d", i+1), Organisation: "Radio communautaire (démonstration)"}
	if _, err := h.RequestSubstantiation(ctx, id, request, verifier, meta()); err != nil || i%4 == 2 {
		return err // the third of each four awaits its answer
	}
	answer := outcome.RecordSubstantiation{RequestID: request.RequestID, AnsweredOn: minDate(domain.DateOf(asked.Time().AddDate(0, 0, 10)), today),
		Verdict: outcome.Verdicts[i%4], Comment: "Confirmé lors d’un échange téléphonique (démonstration)"}
	_, err := commands.Outcome.Execute(ctx, h, id, answer, meta())
	return err
}

// errNotHarvested: the commitment's evidence does not make an outcome.
var errNotHarvested = errors.New("not harvested")

func minDate(a, b domain.Date) domain.Date {
	if b.Before(a) {
		return b
	}
	return a
}

// loadDemoOutcomes replays what the demo loaded and harvests its outcomes.
func (m *Main) loadDemoOutcomes(ctx context.Context, d dataDir) (int, error) {
	keys, err := m.openKeys(ctx, d, m.logger("auto"))
	if err != nil {
		return 0, err
	}
	spaces, promises := inclusion.New(), commitments.New(time.Now)
	if _, _, err := projections.Replay(ctx, d.store, spaces, promises); err != nil {
		return 0, err
	}
	regionOf := func(id domain.ID) string { sp, _ := spaces.Space(id); return sp.Region }
	h := newHandler(d.store, refdata.Default(), keys)
	return harvestDemoOutcomes(ctx, h, promises.List(commitments.Query{Status: "fulfilled"}), regionOf, domain.DateOf(time.Now()))
}
