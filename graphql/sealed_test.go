package graphql_test

import (
	"encoding/base64"
	"strings"
	"testing"

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
	sealed, err := keystore.SealFor(id, public, who)
	if err != nil {
		t.Fatal(err)
	}
	pid := get(e.must(e.gao, enrol, map[string]any{"c": newID(), "code": "GAO-S1", "who": map[string]any{"sealed": sealed}}), "enrolParticipant", "id")
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
	elsewhere, _ := keystore.SealFor(otherKey.ID(), otherKey.Public(), who)
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
