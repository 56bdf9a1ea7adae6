package integration

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// TestImportingThroughARunningServer imports a register and another form's
// export with a mapping through `palabre import --server`, as a Gao
// facilitator: what is theirs is imported, another region's refused, and
// the report comes back in the language asked.
func TestImportingThroughARunningServer(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	s := startServer(t, bin, dir)
	space := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Cadre de concertation de Bourem", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: INCLUSION, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})

	files := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	register := write("participants.csv", "code,sex,ageBand,displacement,region,consent,consentOn,name\n"+
		"GAO-0500,female,18-24,none,gao,oui,2026-01-10,Kadidia Maïga\n"+
		"MOP-0500,male,25-35,none,mopti,oui,2026-01-10,Amadou Guindo\n")
	importAs := func(token string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"import", "--server", s.url}, args...)...)
		cmd.Env = append(os.Environ(), "PALABRE_TOKEN="+token)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := importAs(gao, register, "--lang", "en")
	if err == nil || !strings.Contains(out, `participants.csv row 3, column region : "mopti" is not one of your regions`) || !strings.Contains(out, "1 imported") {
		t.Fatalf("a facilitator's register: %v\n%s", err, out)
	}
	if strings.Contains(out, "Kadidia") || strings.Contains(out, "Amadou") {
		t.Fatalf("the report echoes a name:\n%s", out)
	}
	got := s.must(gao, `{ participants(region: "gao") { edges { node { code } } } }`, nil)
	if !strings.Contains(jsonOf(got), "GAO-0500") {
		t.Fatalf("GAO-0500 is not among Gao's participants: %s", jsonOf(got))
	}

	// Another form: French headers, its own values, a headcount only.
	other := write("fiche-presence.csv", "identifiant,date_reunion,pilier,type_rencontre,femmes_adultes,hommes_adultes,observations\n"+
		"fiche-1,2026-03-02,Sécurité,atelier,7,5,RAS\n")
	suggested, err := exec.Command(bin, "import", "--suggest", other).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"heldOn: date_reunion", "pillar: pilier", "adultWomen: femmes_adultes", "_uuid: identifiant", "attendees: headcount", "Columns not placed: observations"} {
		if !strings.Contains(string(suggested), want) {
			t.Fatalf("the suggestion lacks %q:\n%s", want, suggested)
		}
	}
	// The facilitator completes it: value maps and the space (in JSON, which is YAML too).
	mapping := write("fiche.json", `{"columns": {"_uuid": "identifiant", "heldOn": "date_reunion", "pillar": "pilier", "format": "type_rencontre",
		"adultWomen": "femmes_adultes", "adultMen": "hommes_adultes"},
		"values": {"pillar": {"securite": "security"}, "format": {"atelier": "workshop"}},
		"defaults": {"spaceId": "`+space+`", "_submission_time": "2026-03-02T18:00:00"}, "attendees": "headcount"}`)
	out, err = importAs(gao, other, "--mapping", mapping)
	if err != nil || !strings.Contains(out, "1 importé") {
		t.Fatalf("the mapped export: %v\n%s", err, out)
	}
	if out, _ := importAs(gao, other, "--mapping", mapping); !strings.Contains(out, "1 déjà là") {
		t.Fatalf("the mapped export again:\n%s", out)
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
