package graphql_test

import (
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
)

// TestNamesSealedOnADeviceAreOpenedOnlyWhereTheyArrive: the server
// publishes its device key to any signed-in client; an enrolment whose
// name and phone were sealed to it is opened by the door and kept as one
// typed in clear (which old clients still send); one sealed for another
// key, altered, or given both ways is refused on the field, naming no one.
func TestNamesSealedOnADeviceAreOpenedOnlyWhereTheyArrive(t *testing.T) {
	e := newEnv(t)
	key, _ := e.must(e.gao, `{ deviceKey { id algorithm publicKey } }`, nil)["deviceKey"].(map[string]any)
	id, _ := key["id"].(string)
	public, err := base64.RawURLEncoding.DecodeString(key["publicKey"].(string))
	if err != nil || len(public) != 65 || key["algorithm"] != "p256" || id == "" {
		t.Fatalf("the published device key: %v (%v)", key, err)
	}
	if again := get(e.must(e.analyst, `{ deviceKey { id } }`, nil), "deviceKey", "id"); again != id {
		t.Errorf("another role is told another key: %v, not %s", again, id)
	}
	enrol := `mutation($c: ID!, $code: String!, $who: IdentityInput!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE, birthYear: 1990,
	  displacement: NONE, region: "gao", consent: {given: true, on: "2026-01-02"}}, identity: $who) { id } }`
	who := keystore.Identity{Name: "Mariam Sealed-Sidibé", Phone: "+223 70 00 00 09"}
	pid := newID()
	sealed := sealForEnrolment(t, id, public, pid, "gao", who)
	e.must(e.gao, enrol, map[string]any{"c": pid, "code": "GAO-S1", "who": map[string]any{"sealed": sealed}})
	plain := get(e.must(e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-S2", "who": map[string]any{"name": "Old Client-Clair"}}), "enrolParticipant", "id")
	identity := `query($id: ID!) { participant(id: $id) { identity { name phone } } }`
	if got := get(e.must(e.admin, identity, map[string]any{"id": pid}), "participant", "identity"); get(got, "name") != who.Name || get(got, "phone") != who.Phone {
		t.Fatalf("the sealed name arrived as %v", got)
	}
	if got := get(e.must(e.admin, identity, map[string]any{"id": plain}), "participant", "identity", "name"); got != "Old Client-Clair" {
		t.Fatalf("an old client's name in clear arrived as %v", got)
	}

	other, _ := keystore.Open(t.TempDir(), make([]byte, 32))
	otherKey, _ := other.DeviceKey()
	elsewhere, _ := keystore.SealFor(otherKey.ID(), otherKey.Public(), keystore.Binding{}, who)
	altered := sealed[:len(sealed)-4] + map[bool]string{true: "AAAA", false: "BBBB"}[!strings.HasSuffix(sealed, "AAAA")]
	for name, identity := range map[string]map[string]any{
		"sealed for another server": {"sealed": elsewhere},
		"altered":                   {"sealed": altered},
		"sealed and in clear":       {"sealed": sealed, "name": "Someone"},
		"neither":                   {"phone": "+223"},
	} {
		r := e.do(e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-X", "who": identity})
		if r.code() != "BAD_USER_INPUT" || !strings.HasPrefix(r.Errors[0].Extensions["field"].(string), "identity.") || strings.Contains(r.raw, "Mariam") {
			t.Errorf("%s: %s", name, r.raw)
		}
	}
}

// TestAnEnvelopeSealedForOneEnrolmentIsRefusedInAnother: Mopti's
// facilitator takes the envelope a Gao enrolment carried (from a shared
// laptop's outbox, a capture) and sends it inside an enrolment of their
// own region. Were it opened, Mopti would hold a participant under that
// name and read it back; it must be refused on the field, in French, and
// nobody enrolled.
func TestAnEnvelopeSealedForOneEnrolmentIsRefusedInAnother(t *testing.T) {
	e := newEnv(t)
	key, _ := e.must(e.gao, `{ deviceKey { id publicKey } }`, nil)["deviceKey"].(map[string]any)
	public, _ := base64.RawURLEncoding.DecodeString(key["publicKey"].(string))
	enrol := `mutation($c: ID!, $code: String!, $region: String!, $who: IdentityInput!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE,
	  birthYear: 1990, displacement: NONE, region: $region, consent: {given: true, on: "2026-01-02"}}, identity: $who) { id } }`
	who := keystore.Identity{Name: "Fatoumata Replayed-Maïga", Phone: "+223 70 00 00 11"}
	gaoID := newID()
	sealed := sealForEnrolment(t, key["id"].(string), public, gaoID, "gao", who)
	e.must(e.gao, enrol, map[string]any{"c": gaoID, "code": "GAO-R1", "region": "gao", "who": map[string]any{"sealed": sealed}})

	moptiID := newID()
	r := e.doIn("fr", e.mopti, enrol, map[string]any{"c": moptiID, "code": "MOP-R1", "region": "mopti", "who": map[string]any{"sealed": sealed}})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "identity.sealed" || strings.Contains(r.raw, "Fatoumata") {
		t.Fatalf("an envelope of Gao's enrolment replayed by Mopti: %s", r.raw)
	}
	if !strings.Contains(r.Errors[0].Message, "scellé") {
		t.Errorf("the refusal is not said in French: %s", r.Errors[0].Message)
	}
	if got := e.do(e.admin, `query($id: ID!) { participant(id: $id) { id } }`, map[string]any{"id": moptiID}); get(got.Data, "participant") != nil {
		t.Fatalf("Mopti's participant was enrolled all the same: %s", got.raw)
	}

	// Nor as an outcome's verifier, whose name a token of the region
	// opens; a verifier sealed for that very request is taken.
	s := writeStory(e)
	outcomeID := newID()
	e.must(e.gao, harvest, map[string]any{"c": outcomeID, "actor": s.holder, "region": "gao", "evidence": []any{map[string]any{"kind": "DIALOGUE", "id": s.dialogue}}})
	ask := `mutation($c: ID!, $id: ID!, $r: ID!, $who: VerifierInput!) { requestSubstantiation(commandId: $c, id: $id, input: {requestId: $r, requestedOn: "2025-05-25", verifier: $who}) { id } }`
	requestID := newID()
	r = e.doIn("fr", e.gao, ask, map[string]any{"c": newID(), "id": outcomeID, "r": requestID, "who": map[string]any{"sealed": sealed}})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.verifier.sealed" || strings.Contains(r.raw, "Fatoumata") {
		t.Fatalf("an enrolment's envelope replayed as a verifier: %s", r.raw)
	}
	verifier := keystore.Identity{Name: "Binta Verifier-Keïta", Organisation: "Radio Kaoural"}
	b := keystore.Binding{Purpose: "RequestSubstantiation", Records: []domain.ID{ulid.MustParse(outcomeID), ulid.MustParse(requestID)}}
	forRequest, err := keystore.SealFor(key["id"].(string), public, b, verifier)
	if err != nil {
		t.Fatal(err)
	}
	e.must(e.gao, ask, map[string]any{"c": newID(), "id": outcomeID, "r": requestID, "who": map[string]any{"sealed": forRequest}})
	got := e.must(e.admin, `query($id: ID!) { outcome(id: $id) { requests { verifier { name organisation } } } }`, map[string]any{"id": outcomeID})
	if get(got, "outcome", "requests", 0, "verifier", "name") != verifier.Name {
		t.Fatalf("the verifier sealed for the request arrived as %v", got)
	}
}

// TestAnOldEnvelopeIsOpenedOnceThenRefused: an envelope of the old,
// unbound scheme, still waiting in a device's outbox, is opened for the
// first enrolment that carries it and for that enrolment again (a retry
// under its commandId); replayed into another region's enrolment it is
// refused, in French, naming the field, and so is any old envelope after
// the transition's date.
func TestAnOldEnvelopeIsOpenedOnceThenRefused(t *testing.T) {
	until := today.Add(24 * time.Hour)
	now := today
	e := newEnvWith(t, envOptions{oldUntil: until, clock: func() time.Time { return now }})
	key, _ := e.must(e.gao, `{ deviceKey { id publicKey } }`, nil)["deviceKey"].(map[string]any)
	public, _ := base64.RawURLEncoding.DecodeString(key["publicKey"].(string))
	enrol := `mutation($c: ID!, $code: String!, $region: String!, $who: IdentityInput!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE,
	  birthYear: 1990, displacement: NONE, region: $region, consent: {given: true, on: "2026-01-02"}}, identity: $who) { id } }`
	who := keystore.Identity{Name: "Hawa Outbox-Touré"}
	old, err := keystore.SealUnbound(key["id"].(string), public, who)
	if err != nil {
		t.Fatal(err)
	}
	gao := map[string]any{"c": newID(), "code": "GAO-O1", "region": "gao", "who": map[string]any{"sealed": old}}
	e.must(e.gao, enrol, gao)
	e.must(e.gao, enrol, gao) // the answer was lost: the outbox sends it again
	identity := `query($id: ID!) { participant(id: $id) { identity { name } } }`
	if got := get(e.must(e.admin, identity, map[string]any{"id": gao["c"]}), "participant", "identity", "name"); got != who.Name {
		t.Fatalf("the old envelope's name arrived as %v", got)
	}
	if !strings.Contains(e.logs.String(), "old, unbound scheme") {
		t.Error("an old envelope was opened without a word in the log")
	}
	r := e.doIn("fr", e.mopti, enrol, map[string]any{"c": newID(), "code": "MOP-O1", "region": "mopti", "who": map[string]any{"sealed": old}})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "identity.sealed" || !strings.Contains(r.Errors[0].Message, "déjà utilisé") || strings.Contains(r.raw, "Hawa") {
		t.Fatalf("an old envelope replayed into Mopti: %s", r.raw)
	}
	now = until.Add(time.Minute)
	late, _ := keystore.SealUnbound(key["id"].(string), public, who)
	r = e.doIn("fr", e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-O2", "region": "gao", "who": map[string]any{"sealed": late}})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "identity.sealed" || !strings.Contains(r.Errors[0].Message, "ancienne version") {
		t.Fatalf("an old envelope after the transition's date: %s", r.raw)
	}
}

// TestAnOldEnvelopeSentByAnotherRegionIntoItsOwnIsNotUsedUp: Mopti's
// facilitator sends a Gao person's old envelope in an enrolment into
// Gao. The region rule refuses it before the envelope is opened, so the
// owner's own enrolment still takes the name.
func TestAnOldEnvelopeSentByAnotherRegionIntoItsOwnIsNotUsedUp(t *testing.T) {
	o := newOldEnvelope(t, keystore.Identity{Name: "Aminata Refused-Cissé"})
	r := o.e.do(o.e.mopti, o.enrol, o.vars(newID(), "GAO-T1", true))
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.region" || strings.Contains(r.raw, "Aminata") {
		t.Fatalf("Mopti's facilitator enrolling into Gao: %s", r.raw)
	}
	o.ownerTakesTheName(t)
}

// TestAnOldEnvelopeOfARefusedEnrolmentIsReleased: an enrolment the decider
// refuses after the envelope was opened (no consent) writes nothing and
// lets the envelope go: the owner's enrolment, sent again with consent
// under a new commandId, takes the name.
func TestAnOldEnvelopeOfARefusedEnrolmentIsReleased(t *testing.T) {
	o := newOldEnvelope(t, keystore.Identity{Name: "Aminata Refused-Cissé"})
	r := o.e.do(o.e.gao, o.enrol, o.vars(newID(), "GAO-T1", false))
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "input.consent.given" {
		t.Fatalf("an enrolment without consent: %s", r.raw)
	}
	o.ownerTakesTheName(t)
}

// TestAnOldEnvelopeWithoutANameIsReleased: the door's own check of the
// opened identity (the API's enrolment takes a name) refuses it after
// it was opened; it is released like any refusal, so that every send of
// it is told what is wrong, not that it was used.
func TestAnOldEnvelopeWithoutANameIsReleased(t *testing.T) {
	o := newOldEnvelope(t, keystore.Identity{Phone: "+223 70 00 00 12"})
	for range 2 {
		r := o.e.do(o.e.gao, o.enrol, o.vars(newID(), "GAO-N1", true))
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "identity.name" {
			t.Fatalf("an old envelope without a name: %s", r.raw)
		}
	}
}

// TestAnOldEnvelopeSentConcurrentlyOpensForOneCommand: sixteen enrolments
// carry one old envelope at once, each its own record; exactly one is
// written, the others are told the envelope is used. With half of them
// refused (no consent) and releasing it, still at most one is written,
// and the envelope ends bound to it or free for the next.
func TestAnOldEnvelopeSentConcurrentlyOpensForOneCommand(t *testing.T) {
	const senders = 16
	for _, refusing := range []int{0, senders / 2} {
		o := newOldEnvelope(t, keystore.Identity{Name: "Kadiatou Raced-Diallo"})
		answers := make([]response, senders)
		var wg sync.WaitGroup
		for i := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = o.e.do(o.e.gao, o.enrol, o.vars(newID(), fmt.Sprintf("GAO-C%02d", i), i >= refusing))
			}()
		}
		wg.Wait()
		written := 0
		for _, r := range answers {
			switch field := ""; {
			case len(r.Errors) == 0:
				written++
			case r.code() != "BAD_USER_INPUT":
				t.Errorf("a concurrent send refused otherwise: %s", r.raw)
			default:
				if field, _ = r.Errors[0].Extensions["field"].(string); field != "identity.sealed" && field != "input.consent.given" {
					t.Errorf("a concurrent send refused on %s: %s", field, r.raw)
				}
			}
		}
		switch next := o.e.do(o.e.gao, o.enrol, o.vars(newID(), "GAO-C99", true)); {
		case refusing == 0 && written != 1, written > 1:
			t.Fatalf("%d of %d concurrent enrolments (%d refusing) were written with one old envelope", written, senders, refusing)
		case written == 1 && len(next.Errors) == 0, written == 0 && len(next.Errors) > 0:
			t.Fatalf("%d written, then another enrolment with the envelope: %s", written, next.raw)
		}
	}
}

// oldEnvelope is an identity sealed by the old, unbound scheme, during the
// transition, and a Gao enrolment to send it in.
type oldEnvelope struct {
	e               *env
	enrol, envelope string
	who             keystore.Identity
}

func newOldEnvelope(t *testing.T, who keystore.Identity) oldEnvelope {
	t.Helper()
	e := newEnvWith(t, envOptions{oldUntil: today.Add(24 * time.Hour), clock: func() time.Time { return today }})
	key, _ := e.must(e.gao, `{ deviceKey { id publicKey } }`, nil)["deviceKey"].(map[string]any)
	public, _ := base64.RawURLEncoding.DecodeString(key["publicKey"].(string))
	old, err := keystore.SealUnbound(key["id"].(string), public, who)
	if err != nil {
		t.Fatal(err)
	}
	enrol := `mutation($c: ID!, $code: String!, $given: Boolean!, $who: IdentityInput!) { enrolParticipant(commandId: $c, input: {code: $code, sex: FEMALE,
	  birthYear: 1990, displacement: NONE, region: "gao", consent: {given: $given, on: "2026-01-02"}}, identity: $who) { id } }`
	return oldEnvelope{e: e, enrol: enrol, envelope: old, who: who}
}

func (o oldEnvelope) vars(commandID, code string, consent bool) map[string]any {
	return map[string]any{"c": commandID, "code": code, "given": consent, "who": map[string]any{"sealed": o.envelope}}
}

// ownerTakesTheName: Gao's enrolment carrying the envelope is written
// with its name.
func (o oldEnvelope) ownerTakesTheName(t *testing.T) {
	t.Helper()
	id := newID()
	o.e.must(o.e.gao, o.enrol, o.vars(id, "GAO-OWN", true))
	identity := `query($id: ID!) { participant(id: $id) { identity { name } } }`
	if got := get(o.e.must(o.e.admin, identity, map[string]any{"id": id}), "participant", "identity", "name"); got != o.who.Name {
		t.Fatalf("the owner's enrolment took the name as %v", got)
	}
}

// sealForEnrolment seals an identity as the web app does for an enrolment.
func sealForEnrolment(t *testing.T, keyID string, public []byte, participantID, region string, who keystore.Identity) string {
	t.Helper()
	b := keystore.Binding{Purpose: "EnrolParticipant", Records: []domain.ID{ulid.MustParse(participantID)}, Region: region}
	sealed, err := keystore.SealFor(keyID, public, b, who)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}
