package participants_test

import (
	"bytes"
	"context"
	"errors"
	"github.com/palabre/palabre/events/domain/registry"
	"github.com/palabre/palabre/projections"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/commands/commandstest"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/participant"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/participants"
)

// facilitator may see identities in some regions.
type facilitator map[string]bool

func (f facilitator) MaySeeIdentitiesIn(region string) bool { return f[region] }

// canary is the name of the Gao participant, looked for where no name
// may be.
const canary = "Canari-Kadidia-Q9"

func TestIdentitiesOpenOnlyForAllowedViewersAndNeverAfterErasure(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	defer env.Close()
	ctx := context.Background()
	gao, mopti := ulid.Make(), ulid.Make()
	enrol := func(id domain.ID, region, name string) {
		t.Helper()
		_, err := env.Handler.Enrol(ctx, id, participant.Enrol{
			Profile: participant.Profile{Code: "C-" + region, Sex: "female", BirthYear: 2000, Displacement: "none", Region: region},
			Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 1, 1)},
		}, keystore.Identity{Name: name, Phone: "+223"}, commands.Meta{CommandID: id})
		if err != nil {
			t.Fatal(err)
		}
	}
	enrol(gao, "gao", canary)
	enrol(mopti, "mopti", "Other")

	m := participants.New(env.Keys)
	replayInto(t, env, m)
	checkIdentitiesOpenForTheirRegionOnly(t, m, gao, mopti)
	if _, err := env.Handler.Erase(ctx, gao, participant.Erase{ErasedOn: domain.NewDate(2026, 5, 1)}, commands.Meta{CommandID: ulid.Make()}); err != nil {
		t.Fatal(err)
	}
	replayInto(t, env, m)
	restored := checkErasedAndRestored(t, env, m, gao, mopti)
	checkTheErasureListNamesNoOne(t, restored, gao)
}

// replayInto rebuilds m from the whole log.
func replayInto(t *testing.T, env *commandstest.Env, m *participants.Model) {
	t.Helper()
	m.Reset()
	for rec, err := range env.Store.ReadAll(context.Background(), events.Start, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
			t.Fatal(err)
		}
	}
}

// checkIdentitiesOpenForTheirRegionOnly: Gao's facilitator opens Gao's
// participant; another region's, a missing one and a role without access
// are refused alike; the snapshot holds no name.
func checkIdentitiesOpenForTheirRegionOnly(t *testing.T, m *participants.Model, gao, mopti domain.ID) {
	t.Helper()
	gaoFacilitator, analyst := facilitator{"gao": true}, facilitator{}
	if who, err := m.Identity(context.Background(), gaoFacilitator, gao); err != nil || who.Name != canary {
		t.Fatalf("the Gao facilitator opens %+v, %v", who, err)
	}
	_, otherRegion := m.Identity(context.Background(), gaoFacilitator, mopti)
	_, missing := m.Identity(context.Background(), gaoFacilitator, ulid.Make())
	_, noAccess := m.Identity(context.Background(), analyst, gao)
	if !errors.Is(otherRegion, participants.ErrNotFound) || !errors.Is(missing, participants.ErrNotFound) || !errors.Is(noAccess, participants.ErrNotFound) {
		t.Fatalf("refusals must look alike: %v / %v / %v", otherRegion, missing, noAccess)
	}
	if _, err := m.Get(gaoFacilitator, mopti); !errors.Is(err, participants.ErrNotFound) {
		t.Fatalf("another region's record: %v", err)
	}
	if list := m.List(gaoFacilitator, "gao"); len(list) != 1 || list[0].Sealed != nil {
		t.Fatalf("list %+v", list)
	}
	var snap bytes.Buffer
	m.Snapshot(&snap)
	if bytes.Contains(snap.Bytes(), []byte(canary)) {
		t.Fatal("the snapshot holds a name in clear")
	}
}

// checkErasedAndRestored: the erased participant's identity is gone and
// their record stays, before and after a snapshot's restore, which
// gives the same records and bytes. Returns the restored model.
func checkErasedAndRestored(t *testing.T, env *commandstest.Env, m *participants.Model, gao, mopti domain.ID) *participants.Model {
	t.Helper()
	gaoFacilitator := facilitator{"gao": true}
	if _, err := m.Identity(context.Background(), gaoFacilitator, gao); !errors.Is(err, keystore.ErrErased) {
		t.Fatalf("after erasure: %v", err)
	}
	if p, err := m.Get(gaoFacilitator, gao); err != nil || !p.Erased || p.Profile.Sex != "female" {
		t.Fatalf("the erased participant's record: %+v, %v", p, err)
	}
	restored := participants.New(env.Keys)
	var snap bytes.Buffer
	m.Snapshot(&snap)
	if err := restored.Restore(bytes.NewReader(snap.Bytes())); err != nil {
		t.Fatal(err)
	}
	if who, err := restored.Identity(context.Background(), gaoFacilitator, mopti); err == nil {
		t.Fatalf("a Gao facilitator opened a Mopti identity after restore: %+v", who)
	}
	if who, err := restored.Identity(context.Background(), facilitator{"mopti": true}, mopti); err != nil || who.Name != "Other" {
		t.Fatalf("after restore: %+v, %v", who, err)
	}
	for _, id := range []domain.ID{gao, mopti} {
		all := facilitator{"gao": true, "mopti": true}
		a, errA := m.Get(all, id)
		b, errB := restored.Get(all, id)
		if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("restored record differs:\n%+v\n%+v", a, b)
		}
	}
	var again bytes.Buffer
	restored.Snapshot(&again)
	if !bytes.Equal(again.Bytes(), snap.Bytes()) {
		t.Fatal("a restored model snapshots to other bytes")
	}
	return restored
}

// checkTheErasureListNamesNoOne: the erasure list names the erased
// participant by id and date only, and reads back as written.
func checkTheErasureListNamesNoOne(t *testing.T, restored *participants.Model, gao domain.ID) {
	t.Helper()
	want := []participants.Erasure{{ID: gao, On: domain.NewDate(2026, 5, 1)}}
	if got := restored.Erasures(); !reflect.DeepEqual(got, want) {
		t.Fatalf("erasures %+v, want %+v", got, want)
	}
	var list bytes.Buffer
	if err := participants.WriteErasures(&list, restored.Erasures()); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(list.Bytes(), []byte(canary)) || bytes.Contains(list.Bytes(), []byte("C-gao")) {
		t.Fatalf("the erasure list names someone:\n%s", list.Bytes())
	}
	if got, err := participants.ReadErasures(&list); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v, %v", got, err)
	}
}

func TestAnErasureListThatCannotBeReadNamesItsLine(t *testing.T) {
	for list, want := range map[string]string{
		"# header\n\n01J000000000000000000000AA\t2026-05-01\nnot-an-id\t2026-05-01\n": "line 4",
		"01J000000000000000000000AA\t2026-13-01\n":                                    `line 1: "2026-13-01" is not a date`,
		"01J000000000000000000000AA\n":                                                "line 1",
	} {
		_, err := participants.ReadErasures(strings.NewReader(list))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", list, err, want)
		}
	}
}

func TestParticipantsAreFoundByCodeAfterCorrectionsAndARestore(t *testing.T) {
	m := participants.New(nil)
	a, b := domain.ID(ulid.Make()), domain.ID(ulid.Make())
	apply := func(id domain.ID, e domain.Event) {
		if err := m.Apply(projections.Event{Domain: e, AggregateID: id}); err != nil {
			t.Fatal(err)
		}
	}
	apply(a, participant.Enrolled{Profile: participant.Profile{Code: "GAO-1", Region: "gao"}})
	apply(b, participant.Enrolled{Profile: participant.Profile{Code: "GAO-2", Region: "gao"}})
	apply(b, participant.ProfileCorrected{Profile: participant.Profile{Code: "GAO-1", Region: "gao"}})
	all := viewerOf(func(string) bool { return true })
	if _, ok, ambiguous := m.ByCode(all, "gao", "GAO-1"); !ok || !ambiguous {
		t.Fatal("two people with GAO-1 are not said ambiguous")
	}
	if _, ok, _ := m.ByCode(all, "gao", "GAO-2"); ok {
		t.Fatal("a code given up is still found")
	}
	apply(a, participant.ProfileCorrected{Profile: participant.Profile{Code: "GAO-3", Region: "gao"}})
	// Codes are per region: one moved is found in their new region only.
	c := domain.ID(ulid.Make())
	apply(c, participant.Enrolled{Profile: participant.Profile{Code: "GAO-4", Region: "gao"}})
	apply(c, participant.ProfileCorrected{Profile: participant.Profile{Code: "GAO-4", Region: "mopti"}})
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := participants.New(nil)
	if err := restored.Restore(&snap); err != nil {
		t.Fatal(err)
	}
	for _, model := range []*participants.Model{m, restored} {
		for code, want := range map[string]domain.ID{"GAO-1": b, "gao-3": a, "mopti/GAO-4": c} {
			region, code, moved := strings.Cut(code, "/")
			if !moved {
				region, code = "gao", region
			}
			if id, ok, ambiguous := model.ByCode(all, region, code); !ok || ambiguous || id != want {
				t.Fatalf("%s in %s: %v %v %v", code, region, id, ok, ambiguous)
			}
		}
		if _, ok, _ := model.ByCode(all, "gao", "GAO-4"); ok {
			t.Fatal("a code is found in the region its participant left")
		}
		if _, ok, _ := model.ByCode(viewerOf(func(r string) bool { return r == "mopti" }), "gao", "GAO-3"); ok {
			t.Fatal("a code found for a viewer of another region")
		}
	}
}

type viewerOf func(string) bool

func (v viewerOf) MaySeeIdentitiesIn(region string) bool { return v(region) }

func TestParticipantsWithoutTheClaimOfTheirCodeAreListedThroughARestore(t *testing.T) {
	m := participants.New(nil)
	claimed, legacy, moved := domain.ID(ulid.Make()), domain.ID(ulid.Make()), domain.ID(ulid.Make())
	key := []byte("code key")
	for _, ev := range []projections.Event{
		{Domain: participant.CodeClaimed{ParticipantID: claimed, Region: "gao", Code: "gao-1"}, AggregateID: participant.CodeStreamID(key, "gao", "gao-1")},
		{Domain: participant.Enrolled{Profile: participant.Profile{Code: "GAO-1", Region: "gao"}}, AggregateID: claimed},
		// A claim of the first scheme has no region: it claims nothing now.
		{Domain: participant.CodeClaimed{ParticipantID: legacy, Code: "GAO-2"}},
		{Domain: participant.Enrolled{Profile: participant.Profile{Code: "GAO-2", Region: "gao"}}, AggregateID: legacy},
		// One moved to Mopti holds their code in Gao only.
		{Domain: participant.CodeClaimed{ParticipantID: moved, Region: "gao", Code: "GAO-3"}, AggregateID: participant.CodeStreamID(key, "gao", "GAO-3")},
		{Domain: participant.Enrolled{Profile: participant.Profile{Code: "GAO-3", Region: "gao"}}, AggregateID: moved},
		{Domain: participant.ProfileCorrected{Profile: participant.Profile{Code: "GAO-3", Region: "mopti"}}, AggregateID: moved},
	} {
		if err := m.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	var snap bytes.Buffer
	if err := m.Snapshot(&snap); err != nil {
		t.Fatal(err)
	}
	restored := participants.New(nil)
	if err := restored.Restore(&snap); err != nil {
		t.Fatal(err)
	}
	for _, model := range []*participants.Model{m, restored} {
		want := []commands.CodeHolder{{ID: legacy, Region: "gao", Code: "GAO-2"}, {ID: moved, Region: "mopti", Code: "GAO-3"}}
		slices.SortFunc(want, func(a, b commands.CodeHolder) int { return a.ID.Compare(b.ID) })
		if got := model.Unclaimed(); !slices.Equal(got, want) {
			t.Fatalf("unclaimed: %v, want %v: the participant claimed before regions, and the one moved", got, want)
		}
	}
}

func TestAClaimOfTheFirstSchemeIsReadAndClaimsNothing(t *testing.T) {
	env := commandstest.Open(t, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	defer env.Close()
	ctx := context.Background()
	id := ulid.Make()
	if _, err := env.Handler.Enrol(ctx, id, participant.Enrol{Profile: participant.Profile{Code: "GAO-7", Sex: "male", AgeBand: "18-24", Displacement: "none", Region: "gao"},
		Consent: participant.Consent{Given: true, On: domain.NewDate(2026, 1, 1)}}, keystore.Identity{}, commands.Meta{CommandID: id}); err != nil {
		t.Fatal(err)
	}
	m := participants.New(nil)
	replay := func() {
		t.Helper()
		m.Reset()
		for rec, err := range env.Store.ReadAll(ctx, events.Start, 0) {
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Apply(projections.NewEvent(registry.Codec(), rec)); err != nil {
				t.Fatal(err)
			}
		}
	}
	replay()
	if got := m.Unclaimed(); len(got) != 0 {
		t.Fatalf("an enrolment's own claim: unclaimed %v", got)
	}
	// A version 1 claim (no region) of another participant, as the first
	// scheme wrote it: decoded, and claiming nothing.
	legacy := ulid.Make()
	data, _, _ := registry.Codec().Encode(participant.Enrolled{Profile: participant.Profile{Code: "GAO-8", Sex: "male", AgeBand: "18-24", Displacement: "none", Region: "gao"}})
	for stream, e := range map[string]events.EventData{
		domain.StreamName(participant.Category, legacy): {ID: events.ID(ulid.Make()), Type: "ParticipantEnrolled", Data: data, Metadata: []byte(`{}`)},
		domain.StreamName(participant.CodeCategory, ulid.Make()): {ID: events.ID(ulid.Make()), Type: "ParticipantCodeClaimed",
			Data: []byte(`{"participantId":"` + legacy.String() + `","code":"GAO-8"}`), Metadata: []byte(`{"schemaVersion":1}`)},
	} {
		if _, err := env.Store.Append(ctx, stream, events.NoStream{}, e); err != nil {
			t.Fatal(err)
		}
	}
	replay()
	if got := m.Unclaimed(); len(got) != 1 || got[0] != (commands.CodeHolder{ID: legacy, Region: "gao", Code: "GAO-8"}) {
		t.Fatalf("unclaimed %v, want the participant claimed by the first scheme", got)
	}
}
