// Package synthetic generates realistic, valid histories for palabre —
// consultative spaces across regions, stakeholders, participants with
// plausible demographics, dialogues with attendance, commitments through
// every status — at any size, deterministically from a seed. Benchmarks
// and the demo data use it.
package synthetic

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/events/domain/space"
	"github.com/palabre/palabre/events/domain/stakeholder"
)

// Config sizes a history.
type Config struct {
	// Events is roughly how many events to generate.
	Events int
	Seed   uint64
	// Regions to spread spaces over; default the programme's five.
	Regions []string
	// Start is the first business date; the history spans Months months.
	Start  domain.Date
	Months int
	// Unnamed enrols participants without a sealed identity: demo data,
	// whose names no key could open. By default each carries random
	// ciphertext of a real identity's size, for benchmarks.
	Unnamed bool
}

func (c Config) withDefaults() Config {
	if len(c.Regions) == 0 {
		c.Regions = []string{"gao", "mopti", "tombouctou", "bamako", "menaka"}
	}
	if c.Start.IsZero() {
		c.Start = domain.NewDate(2024, 1, 1)
	}
	if c.Months <= 0 {
		c.Months = 24
	}
	return c
}

// Append is one append of a history: events for one stream.
type Append struct {
	Stream   string
	Expected events.ExpectedRevision
	Events   []events.EventData
}

// gen carries a history's state while it is generated.
type gen struct {
	cfg     Config
	rng     *rand.Rand
	codec   *domain.Codec
	entropy *rand.Rand
	clock   time.Time

	spaces       []domain.ID
	spaceRegion  map[domain.ID]string
	stakeholders []domain.ID
	people       map[string][]domain.ID // by region
	dialogues    []domain.ID
	dialogueOf   map[domain.ID]domain.ID // dialogue → space
	// names given, to keep them apart
	spaceNamed, officeNamed map[string]bool
}

// Generate produces a history in phases — spaces and stakeholders, then
// participants, then dialogues, then commitments — so every reference
// points back. Within a phase appends are independent and may be loaded
// concurrently.
func Generate(cfg Config) [][]Append {
	cfg = cfg.withDefaults()
	g := &gen{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 1)), entropy: rand.New(rand.NewPCG(cfg.Seed, 2)), codec: registry.Codec(),
		clock: cfg.Start.Time().Add(8 * time.Hour), spaceRegion: map[domain.ID]string{}, people: map[string][]domain.ID{}, dialogueOf: map[domain.ID]domain.ID{},
		spaceNamed: map[string]bool{}, officeNamed: map[string]bool{}}
	n := cfg.Events
	// Shares of the history: participants 25 %, dialogues 55 %,
	// commitments 18 % (~4 events each), spaces and stakeholders the rest.
	nSpaces := max(3, n/400)
	nHolders := max(3, n/300)
	nPeople := max(10, n/4)
	nDialogues := max(5, n*55/100)
	nCommitments := max(2, n*18/100/4)
	return [][]Append{
		append(g.times(nSpaces, g.space), g.times(nHolders, g.stakeholder)...),
		g.times(nPeople, g.participant),
		g.times(nDialogues, g.dialogue),
		g.times(nCommitments, g.commitment),
	}
}

func (g *gen) times(n int, f func() Append) []Append {
	out := make([]Append, n)
	for i := range out {
		out[i] = f()
	}
	return out
}

func (g *gen) id() domain.ID {
	var id domain.ID
	ms := uint64(g.clock.UnixMilli())
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	r1, r2 := g.entropy.Uint64(), g.entropy.Uint64()
	for i := range 5 {
		id[6+i] = byte(r1 >> (8 * i))
	}
	for i := range 5 {
		id[11+i] = byte(r2 >> (8 * i))
	}
	g.clock = g.clock.Add(time.Second)
	return id
}

func (g *gen) date() domain.Date {
	return domain.DateOf(g.cfg.Start.Time().AddDate(0, 0, g.rng.IntN(g.cfg.Months*30)))
}

func (g *gen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// appendOf encodes domain events for a new stream.
func (g *gen) appendOf(category string, id domain.ID, evs ...domain.Event) Append {
	a := Append{Stream: domain.StreamName(category, id), Expected: events.NoStream{}}
	for _, e := range evs {
		data, version, err := g.codec.Encode(e)
		if err != nil {
			panic(err) // generated events are valid by construction
		}
		md, err := g.metadata(e.EventType(), data, version)
		if err != nil {
			panic(err)
		}
		a.Events = append(a.Events, events.EventData{ID: events.ID(g.id()), Type: e.EventType(), Data: data, Metadata: md})
	}
	return a
}

// metadata is the envelope a command would give a generated event: a
// command of its own (its id taken before the clock is read, as histories
// generated before kept it), recorded by "synthetic". No command was
// hashed, so the event's type and data are: another payload under the
// same id is still told apart.
func (g *gen) metadata(eventType string, data []byte, version int) ([]byte, error) {
	command := g.id()
	hash := sha256.Sum256(append([]byte(eventType+"\n"), data...))
	return events.Metadata{
		CommandID: command, CorrelationID: command, CausationID: command,
		RecordedBy: "synthetic", RecordedAt: g.clock.UTC(),
		CommandHash: hex.EncodeToString(hash[:]), SchemaVersion: version,
	}.Marshal()
}

func (g *gen) space() Append {
	id := g.id()
	region := g.pick(g.cfg.Regions)
	g.spaces, g.spaceRegion[id] = append(g.spaces, id), region
	women := 30.0
	kind := g.pick(space.Kinds)
	return g.appendOf(space.Category, id, space.Established{
		Details:       space.Details{Name: g.spaceName(kind, region), Kind: kind, Region: region, Locality: g.place(region), Pillar: g.pick(domain.Pillars)},
		EstablishedOn: g.cfg.Start, Targets: space.Targets{Women: &women},
	})
}

func (g *gen) stakeholder() Append {
	id := g.id()
	g.stakeholders = append(g.stakeholders, id)
	kind, region := g.pick(stakeholder.Types), g.pick(g.cfg.Regions)
	return g.appendOf(stakeholder.Category, id, stakeholder.Registered{Profile: stakeholder.Profile{
		Name: g.officeName(kind, region), Type: kind, Level: "regional", Region: region,
	}})
}

func (g *gen) participant() Append {
	id := g.id()
	region := g.pick(g.cfg.Regions)
	g.people[region] = append(g.people[region], id)
	p := participant.Profile{
		Code: fmt.Sprintf("%.3s-%04d", strings.ToUpper(region), len(g.people[region])), Sex: g.pick(participant.Sexes),
		Displacement: "none", Region: region, Functioning: participant.Functioning{Walking: "no-difficulty"},
	}
	if g.rng.IntN(4) == 0 {
		p.Displacement = g.pick(participant.Displacements[1:])
	}
	if g.rng.IntN(12) == 0 {
		p.Functioning.Seeing = "a-lot-of-difficulty"
	}
	if g.rng.IntN(5) == 0 {
		p.Groups = []string{g.pick([]string{"pastoralists", "ethnic-or-linguistic-minority", "rural-remote-community", "religious-minority"})}
	}
	if g.rng.IntN(3) == 0 {
		p.AgeBand = g.pick(participant.AgeBands[1:])
	} else {
		p.BirthYear = 1950 + g.rng.IntN(58)
	}
	sealed := &participant.SealedIdentity{Nonce: make([]byte, 12), Ciphertext: make([]byte, 48)}
	for i := range sealed.Ciphertext {
		sealed.Ciphertext[i] = byte(g.rng.Uint32())
	}
	if g.cfg.Unnamed {
		sealed = nil // after drawing it, so that a seed gives the same history either way
	}
	return g.appendOf(participant.Category, id, participant.Enrolled{Profile: p, Consent: participant.Consent{Given: true, On: g.cfg.Start}, Identity: sealed})
}

func (g *gen) dialogue() Append {
	id := g.id()
	sp := g.spaces[g.rng.IntN(len(g.spaces))]
	g.dialogues, g.dialogueOf[id] = append(g.dialogues, id), sp
	people := g.people[g.spaceRegion[sp]]
	var att dialogue.Attendance
	seen := map[domain.ID]bool{}
	for range min(len(people), 3+g.rng.IntN(12)) {
		p := people[g.rng.IntN(len(people))]
		if !seen[p] {
			seen[p] = true
			att.Attendees = append(att.Attendees, dialogue.Attendee{ParticipantID: p, Spoke: g.rng.IntN(3) == 0})
		}
	}
	h := dialogue.Headcount{YoungWomen: g.rng.IntN(8), AdultWomen: g.rng.IntN(10), YoungMen: g.rng.IntN(10), AdultMen: g.rng.IntN(14)}
	h.WithDisabilities, h.Displaced = g.rng.IntN(h.Total()/8+1), g.rng.IntN(h.Total()/3+1)
	att.Headcount = h
	return g.appendOf(dialogue.Category, id, dialogue.Held{Record: dialogue.Record{
		SpaceID: sp, HeldOn: g.date(), Format: g.pick(dialogue.Formats), Pillar: g.pick(domain.Pillars),
		Topics:   []string{g.pick([]string{"patrouilles", "foncier", "accès à la justice", "déplacés", "engins explosifs", "transhumance", "cohésion sociale"})},
		Language: g.pick([]string{"fr", "son", "tmh", "ff", "bm"}), Locality: g.place(g.spaceRegion[sp]), DurationMinutes: 60 + g.rng.IntN(180),
		Concerns: []dialogue.Concern{{Category: g.pick(dialogue.ConcernCategories)}}, Attendance: att,
	}})
}

func (g *gen) commitment() Append {
	id := g.id()
	d := g.dialogues[g.rng.IntN(len(g.dialogues))]
	sp := g.dialogueOf[d]
	made := g.date()
	due := domain.DateOf(made.Time().AddDate(0, 1+g.rng.IntN(6), 0))
	pillar := g.pick(domain.Pillars)
	evs := []domain.Event{commitment.Made{Promise: commitment.Promise{
		StakeholderID: g.stakeholders[g.rng.IntN(len(g.stakeholders))], SpaceID: &sp, DialogueID: &d,
		Text: g.pick(promises[pillar]), Pillar: pillar, MadeOn: made, DueOn: due, Benefits: []string{g.pick(commitment.Beneficiaries)},
	}}}
	later := func(days int) domain.Date { return domain.DateOf(made.Time().AddDate(0, 0, days)) }
	// Progress follows each commitment's fate: on track towards one kept,
	// at risk then stalled before one broken or withdrawn.
	fate := g.rng.IntN(5)
	progress := []string{"on-track", g.pick([]string{"on-track", "at-risk"})}
	if fate == 2 || fate == 3 {
		progress = []string{"at-risk", "stalled"}
	}
	evs = append(evs, commitment.ProgressReported{ReportedOn: later(20), Status: progress[0], Note: "Point fait en réunion du comité"},
		commitment.ProgressReported{ReportedOn: later(40), Status: progress[1]})
	switch fate {
	case 0, 1:
		evs = append(evs, commitment.FulfilledEvent{On: later(45 + g.rng.IntN(120)), Evidence: []string{"Compte rendu de la réunion de suivi"}})
	case 2:
		evs = append(evs, commitment.BrokenEvent{On: later(60), Note: "Échéance dépassée sans suite"})
	case 3:
		evs = append(evs, commitment.WithdrawnEvent{On: later(45), Note: "Retiré faute de moyens"})
	}
	return g.appendOf(commitment.Category, id, g.untilEnd(evs)...)
}

// untilEnd keeps the events dated up to the history's last day: what
// would come later has not happened yet (the demo's history ends today).
func (g *gen) untilEnd(evs []domain.Event) []domain.Event {
	end := domain.DateOf(g.cfg.Start.Time().AddDate(0, 0, g.cfg.Months*30))
	for i, e := range evs {
		if on, ok := commitment.Aggregate.OnOf(e); ok && end.Before(on) {
			return evs[:i]
		}
	}
	return evs
}

// Load appends a history to a store, phase by phase, from many goroutines
// so that appends share syncs. It returns the number of events appended.
func Load(ctx context.Context, store events.Store, phases [][]Append) (int, error) {
	total := 0
	for _, phase := range phases {
		work := make(chan Append)
		errs := make(chan error, 1)
		var wg sync.WaitGroup
		for range 256 {
			wg.Go(func() {
				for a := range work {
					if _, err := store.Append(ctx, a.Stream, a.Expected, a.Events...); err != nil {
						select {
						case errs <- fmt.Errorf("load %s: %w", a.Stream, err):
						default:
						}
					}
				}
			})
		}
		for _, a := range phase {
			total += len(a.Events)
			work <- a
		}
		close(work)
		wg.Wait()
		select {
		case err := <-errs:
			return total, err
		default:
		}
	}
	return total, nil
}
