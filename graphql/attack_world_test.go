package graphql_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain/refdata"
	"github.com/palabre/palabre/graphql"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// The attack suite's world: one embedded store and its read models,
// served twice with the default settings but for the disclosure mode
// (cell-key, the default, and suppress), and a ledger of what was
// recorded. Built once through the API and shared by every attack.

const (
	attackSpacesPerRegion = 10
	attackTargetsPerSpace = 10 // 2 regions × 10 spaces × 10 = 200 targets
	attackBackground      = 30 // dialogues per space before the targets are logged
	attackLate            = 8  // and in each of two later phases, dated anywhere
)

var attackRegions = []string{"gao", "mopti"}

// attackDialogue is one dialogue as the ledger keeps it.
type attackDialogue struct {
	id, space, region string
	on                time.Time
	format, pillar    string
	target            bool
	// what holdDialogue was given, for a duplicate entered later
	headcount string
	attendees []string
}

// attackTarget is a dialogue whose small counts the attacker wants.
type attackTarget struct {
	attackDialogue
	truth map[string]int // exact, as an admin reads the dialogue's own day
}

type attackWorld struct {
	servers   map[graphql.Disclosure]*env
	dialogues []attackDialogue
	targets   []attackTarget
	// moments to ask asOf at: before the targets were logged, after them,
	// and after the first late phase (three replays, within the default
	// four a token may have).
	moments [3]string
	truths  []table // the recomputation's answers as an admin reads them
	ids     io.Reader
}

// newAttackWorld records the world through the API with an admin token.
func newAttackWorld(t *testing.T) *attackWorld {
	t.Helper()
	w := &attackWorld{servers: attackServers(t)}
	e := w.servers[graphql.CellKey]
	rng := rand.New(rand.NewPCG(20, 26))
	w.ids = attackIDs(t)
	b := &batch{e: e, ids: w.ids}

	spaces, pool, plain := enrolWorld(b, rng)

	// Each region's target days are its own: no other dialogue of the
	// region is held on them, so that a range with the day and one without
	// it differ by the target alone, at every scope.
	first, days := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 516 // to 2026-05-31
	targetDays := map[string]map[int]bool{}
	for _, region := range attackRegions {
		targetDays[region] = map[int]bool{}
		for _, d := range rng.Perm(days - 120)[:attackSpacesPerRegion*attackTargetsPerSpace] {
			targetDays[region][60+d] = true
		}
	}
	plan, taken := planTargets(rng, spaces, targetDays, first)
	backgroundDialogue := func(region, space string) attackDialogue {
		for {
			d := attackDialogue{space: space, region: region, on: first.AddDate(0, 0, rng.IntN(days)), format: pick(rng, "COMMUNITY_DIALOGUE", "WORKSHOP"), pillar: pick(rng, "SECURITY", "JUSTICE")}
			if !targetDays[region][int(d.on.Sub(first).Hours()/24)] && !taken[finestOf(d)] {
				return d
			}
		}
	}
	hold := func(d attackDialogue, headcount string, attendees []string) {
		d.headcount, d.attendees = headcount, attendees
		w.dialogues = append(w.dialogues, d.record(b))
	}
	background := func(n int) {
		for _, region := range attackRegions {
			for _, s := range spaces[region] {
				for range n {
					hold(backgroundDialogue(region, s),
						fmt.Sprintf("youngWomen: %d, adultWomen: %d, youngMen: %d, adultMen: %d, displaced: %d, withDisabilities: %d",
							rng.IntN(7), 1+rng.IntN(6), rng.IntN(7), 1+rng.IntN(6), rng.IntN(5), rng.IntN(3)), sample(rng, pool[region], rng.IntN(4)))
				}
			}
		}
	}
	background(attackBackground)
	b.flush()
	w.moments[0] = pause()

	// The targets: true displaced, persons with disabilities, young women
	// and registered attendees of 1–4, each value 50 times, shuffled apart.
	n := len(attackRegions) * attackSpacesPerRegion * attackTargetsPerSpace
	counts := func() []int {
		c := make([]int, n)
		for i := range c {
			c[i] = 1 + i%4
		}
		rng.Shuffle(n, func(i, j int) { c[i], c[j] = c[j], c[i] })
		return c
	}
	displaced, disabled, youngWomen, registered := counts(), counts(), counts(), counts()
	for i, d := range plan {
		hold(d, fmt.Sprintf("youngWomen: %d, adultWomen: %d, youngMen: %d, adultMen: %d, displaced: %d, withDisabilities: %d",
			youngWomen[i], 2+rng.IntN(4), 1+rng.IntN(4), 2+rng.IntN(4), displaced[i], disabled[i]), sample(rng, plain[d.region], registered[i]))
		w.targets = append(w.targets, attackTarget{attackDialogue: w.dialogues[len(w.dialogues)-1]})
	}
	b.flush()
	w.moments[1] = pause()
	background(attackLate)
	b.flush()
	w.moments[2] = pause()
	background(attackLate)
	b.flush()
	w.readTruth(t)
	return w
}

// enrolWorld establishes each region's spaces and enrols its participants:
// an ordinary pool with every profile, and plain adults (resident, no
// difficulty) who make a target's registered attendance without touching
// its other small counts.
func enrolWorld(b *batch, rng *rand.Rand) (spaces, pool, plain map[string][]string) {
	spaces, pool, plain = map[string][]string{}, map[string][]string{}, map[string][]string{}
	for _, region := range attackRegions {
		for range attackSpacesPerRegion {
			id := b.newID()
			b.add(fmt.Sprintf(`establishSpace(commandId: %q, input: {name: "Comité", kind: SECURITY_ADVISORY_COMMITTEE, region: %q, pillar: SECURITY, establishedOn: "2024-01-01"}) { id }`, id, region))
			spaces[region] = append(spaces[region], id)
		}
		for i := range 40 {
			id := b.newID()
			profile := `sex: MALE, ageBand: AGE_36_59, displacement: NONE, functioning: {}`
			if i >= 10 {
				profile = fmt.Sprintf(`sex: %s, ageBand: %s, displacement: %s, functioning: {walking: %s}`, pick(rng, "FEMALE", "MALE"),
					pick(rng, "AGE_18_24", "AGE_25_35", "AGE_36_59"), pick(rng, "NONE", "NONE", "INTERNALLY_DISPLACED", "RETURNEE"),
					pick(rng, "NO_DIFFICULTY", "NO_DIFFICULTY", "NO_DIFFICULTY", "A_LOT_OF_DIFFICULTY"))
				pool[region] = append(pool[region], id)
			} else {
				plain[region] = append(plain[region], id)
			}
			b.add(fmt.Sprintf(`enrolParticipant(commandId: %q, input: {code: "ATK-%s-%02d", %s, region: %q, consent: {given: true, on: "2024-06-01"}}, identity: {name: "x"}) { id }`,
				id, strings.ToUpper(region), i, profile, region))
		}
	}
	b.flush()
	return spaces, pool, plain
}

// finestCellKey is a dialogue's cell of the base table: space, month, format,
// pillar.
type finestCellKey struct {
	space          string
	month          time.Month
	year           int
	format, pillar string
}

func finestOf(d attackDialogue) finestCellKey {
	return finestCellKey{d.space, d.on.Month(), d.on.Year(), d.format, d.pillar}
}

// planTargets places the targets on their region's days, each alone in its
// finest cell: the dialogue a hostile analyst picks, seeing a cell's exact
// dialogue count of one. Its space's month holds other dialogues.
func planTargets(rng *rand.Rand, spaces map[string][]string, targetDays map[string]map[int]bool, first time.Time) ([]attackDialogue, map[finestCellKey]bool) {
	taken := map[finestCellKey]bool{}
	var plan []attackDialogue
	for _, region := range attackRegions {
		regionDays := slices.Sorted(maps.Keys(targetDays[region]))
		rng.Shuffle(len(regionDays), func(a, b int) { regionDays[a], regionDays[b] = regionDays[b], regionDays[a] })
		for k, day := range regionDays {
			d := attackDialogue{region: region, on: first.AddDate(0, 0, day), target: true}
		search:
			for j := range attackSpacesPerRegion {
				d.space = spaces[region][(k+j)%attackSpacesPerRegion]
				for _, combo := range rng.Perm(4) {
					d.format, d.pillar = []string{"COMMUNITY_DIALOGUE", "WORKSHOP"}[combo%2], []string{"SECURITY", "JUSTICE"}[combo/2]
					if !taken[finestOf(d)] {
						break search
					}
				}
			}
			taken[finestOf(d)] = true
			plan = append(plan, d)
		}
	}
	return plan, taken
}

// record holds the dialogue under a new id, through b.
func (d attackDialogue) record(b *batch) attackDialogue {
	d.id = b.newID()
	b.add(fmt.Sprintf(`holdDialogue(commandId: %q, input: {spaceId: %q, heldOn: %q, format: %s, pillar: %s, headcount: {%s}, attendees: [%s]}) { id }`,
		d.id, d.space, d.on.Format(time.DateOnly), d.format, d.pillar, d.headcount, attendeeList(d.attendees)))
	return d
}

// readTruth reads each target's exact counts as an admin sees its day.
func (w *attackWorld) readTruth(t *testing.T) {
	t.Helper()
	specs := make([]viewSpec, len(w.targets))
	for i, tg := range w.targets {
		specs[i] = viewSpec{scope: "spaceId: " + quote(tg.space), from: tg.on, to: tg.on}
	}
	answers := fetchViews(t, w.servers[graphql.CellKey], w.servers[graphql.CellKey].admin, specs, everyMeasure)
	for i := range w.targets {
		w.targets[i].truth = map[string]int{}
		for _, m := range everyMeasure {
			w.targets[i].truth[m] = answers[i].measures[m].count
		}
		if answers[i].dialogues != 1 {
			t.Fatalf("target %d's day holds %d dialogues, want 1", i, answers[i].dialogues)
		}
	}
}

// attackServers serves one store twice, with every default but the
// disclosure mode; both share the tokens.
func attackServers(t *testing.T) map[graphql.Disclosure]*env {
	t.Helper()
	c := commandstest.Open(t, today)
	t.Cleanup(c.Close)
	clock := func() time.Time { return today }
	inc, com, sta, par := inclusion.NewKeyed([]byte("attack secret")), commitments.New(clock), stakeholders.New(), participants.New(c.Keys)
	runner, err := projections.NewRunner(c.Store, filepath.Join(c.Dir, "projections"), nil, inc, com, sta, par)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { runner.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	tokens, err := access.OpenTokens(filepath.Join(c.Dir, "tokens.json"), clock, refdata.Default())
	if err != nil {
		t.Fatal(err)
	}
	mk := func(role access.Role) string {
		_, secret, err := tokens.Create(context.Background(), access.NewToken{Role: role, TTL: 30 * 24 * time.Hour, Subject: string(role)})
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	admin, analyst, advocacy := mk(access.Admin), mk(access.Analyst), mk(access.Advocacy)
	asOf := projections.NewAsOf(c.Store, 4)
	out := map[graphql.Disclosure]*env{}
	for _, mode := range []graphql.Disclosure{graphql.CellKey, graphql.Suppress} {
		logs := &lockedBuffer{}
		api, err := graphql.NewServer(graphql.Deps{Handler: c.Handler, Runner: runner, Inclusion: inc, Commitments: com, Stakeholders: sta,
			Participants: par, AsOf: asOf, Tokens: tokens, CodeKey: c.CodeKey, Logger: zerolog.New(logs), Clock: clock, Disclosure: mode}, nil)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(api)
		t.Cleanup(srv.Close)
		out[mode] = &env{t: t, server: srv, api: api, tokens: tokens, logs: logs, admin: admin, analyst: analyst, advocacy: advocacy}
	}
	return out
}

// batch sends mutations 30 aliases at a time, the API's limit.
type batch struct {
	e      *env
	fields []string
	ids    io.Reader // the entropy of the ids it makes
}

// newID makes an id from the batch's entropy.
func (b *batch) newID() string {
	return ulid.MustNew(ulid.Timestamp(today), b.ids).String()
}

// attackIDs is the entropy the world's ids come from. Spaces' and
// participants' ids make their records' keys, hence every cell's noise:
// a new seed each run keeps trying new noises, and the seed, logged,
// replays a run that failed (PALABRE_ATTACK_SEED=…).
func attackIDs(t *testing.T) io.Reader {
	t.Helper()
	seed := rand.Uint64()
	if s := os.Getenv("PALABRE_ATTACK_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("PALABRE_ATTACK_SEED=%q: %v", s, err)
		}
	}
	t.Logf("ids from seed %d; replay with PALABRE_ATTACK_SEED=%d", seed, seed)
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return rand.NewChaCha8(key)
}

func (b *batch) add(field string) {
	b.fields = append(b.fields, field)
	if len(b.fields) == 30 {
		b.flush()
	}
}

func (b *batch) flush() {
	if len(b.fields) == 0 {
		return
	}
	var q strings.Builder
	q.WriteString("mutation {")
	for i, f := range b.fields {
		fmt.Fprintf(&q, " m%d: %s", i, f)
	}
	q.WriteString(" }")
	b.e.must(b.e.admin, q.String(), nil)
	b.fields = b.fields[:0]
}

// pause separates two phases of recording, and names the moment between
// them for asOf.
func pause() string {
	time.Sleep(5 * time.Millisecond)
	at := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(5 * time.Millisecond)
	return at
}

func pick(rng *rand.Rand, values ...string) string { return values[rng.IntN(len(values))] }

func sample(rng *rand.Rand, from []string, n int) []string {
	out := slices.Clone(from)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:n]
}

func attendeeList(ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf("{participantId: %q}", id)
	}
	return strings.Join(parts, ", ")
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
