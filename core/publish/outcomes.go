package publish

import (
	"fmt"
	"slices"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/projections/outcomes"
)

// Outcome is an outcome marked public, without its locality, its
// verifiers or their comments.
type Outcome struct {
	Ref                string      `json:"ref"`
	Actor              string      `json:"actor"` // the social actor's name, empty unless Named
	ActorType          string      `json:"actorType"`
	ChangeType         string      `json:"changeType"`
	On                 domain.Date `json:"on"`
	Region             string      `json:"region"`
	Description        string      `json:"description"`
	Significance       string      `json:"significance"`
	Contribution       string      `json:"contribution"`
	OthersContribution string      `json:"othersContribution,omitempty"`
	Intended           bool        `json:"intended"`
	Tags               []string    `json:"tags"`
	// Evidence are the commitments and progress reports the publication
	// lists; Dialogues how many dialogues it cites, which are not listed.
	Evidence  []Evidence `json:"evidence"`
	Dialogues int        `json:"dialogues"`
	// Verdicts are the substantiation answers given by the cut-off.
	Verdicts []string `json:"verdicts"`
}

// Evidence names a published commitment, and one of its progress reports.
type Evidence struct {
	Commitment string `json:"commitment"` // its Ref
	Report     int    `json:"report,omitempty"`
}

// outcomesOf are the outcomes marked public and dated by the cut-off,
// the latest first.
func outcomesOf(svc *read.Service, v read.Viewer, p Policy, ps places, refs map[domain.ID]string, as []Authority) ([]Outcome, error) {
	list, err := svc.Outcomes(v, read.OutcomeQuery{})
	if err != nil {
		return nil, fmt.Errorf("publish: outcomes: %w", err)
	}
	reported := progressDates(as)
	out := []Outcome{}
	for _, o := range list {
		if !o.Public || !p.Dated(o.On) {
			continue
		}
		actor, err := svc.Stakeholder(v, o.ActorID)
		if err != nil {
			continue // an actor the reader may not see is no actor to name
		}
		pub := Outcome{Actor: ps.authorityOf(actor.Profile).Name, ActorType: actor.Profile.Type, ChangeType: o.ChangeType, On: o.On, Region: o.Region,
			Description: o.Description, Significance: o.Significance, Contribution: o.Contribution,
			OthersContribution: o.OthersContribution, Intended: o.Intended, Tags: append([]string{}, o.Tags...),
			Evidence: []Evidence{}, Verdicts: verdicts(p, o)}
		for _, e := range o.Evidence {
			addEvidence(&pub, e, refs, reported)
		}
		out = append(out, pub)
	}
	slices.SortStableFunc(out, func(a, b Outcome) int { return b.On.Time().Compare(a.On.Time()) })
	for i := range out {
		out[i].Ref = fmt.Sprintf("R%d", i+1)
	}
	return out, nil
}

// addEvidence lists a piece of evidence the publication holds: a
// commitment it lists, or a progress report it dates; a dialogue is
// counted, never named.
func addEvidence(o *Outcome, e outcome.Evidence, refs map[domain.ID]string, reported map[string]int) {
	if e.Kind == outcome.KindDialogue {
		o.Dialogues++
		return
	}
	ref, ok := refs[e.ID]
	if !ok || (e.Kind == outcome.KindProgressReport && e.Report > reported[ref]) {
		return
	}
	o.Evidence = append(o.Evidence, Evidence{Commitment: ref, Report: e.Report})
}

// progressDates is how many progress reports each published commitment
// has by the cut-off.
func progressDates(as []Authority) map[string]int {
	out := map[string]int{}
	for _, a := range as {
		for _, c := range a.Commitments {
			for _, pr := range c.Progress {
				out[c.Ref] = max(out[c.Ref], pr.N)
			}
		}
	}
	return out
}

// verdicts are the answers given by the cut-off, without the verifier or
// their comment.
func verdicts(p Policy, o outcomes.Outcome) []string {
	out := []string{}
	for _, r := range o.Requests {
		if r.Answer != nil && p.Dated(r.Answer.On) {
			out = append(out, r.Answer.Verdict)
		}
	}
	return out
}
