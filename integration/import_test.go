package integration

import (
	"archive/zip"
	"bytes"
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

// TestAnEditedSubmissionThroughARunningServer imports ODK Central's CSV
// zip of three submissions (events/imports/testdata/odk, shaped as
// central-backend's lib/data/briefcase.js writes it) through `palabre
// import --server` as a Gao facilitator, then the zip taken after one was
// edited (another date and title, a commitment reworded, one dropped):
// the dialogue is corrected, its commitments withdrawn and made through
// the write policy, the other rows already there; the older zip again
// changes nothing.
func TestAnEditedSubmissionThroughARunningServer(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	gao := newToken(t, bin, dir, "--role", "facilitator", "--region", "gao")
	s := startServer(t, bin, dir)
	space, holder := ulid.Make().String(), ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Cadre de concertation de Gao", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: INCLUSION, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
	s.must(gao, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Mairie de Gao", type: MAYOR, level: LOCAL, region: "gao"}) { id } }`, map[string]any{"c": holder})
	files := t.TempDir()
	register := filepath.Join(files, "participants.csv")
	if err := os.WriteFile(register, []byte("code,sex,ageBand,displacement,region,consent,consentOn\nGAO-0001,female,25-35,none,gao,oui,2025-02-01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	zipOf := func(when string) string {
		var b bytes.Buffer
		z := zip.NewWriter(&b)
		for _, name := range []string{"palabre_dialogue.csv", "palabre_dialogue-attendees.csv", "palabre_dialogue-commitments.csv"} {
			text, err := os.ReadFile(filepath.Join("..", "events", "imports", "testdata", "odk", when+"-"+name))
			if err != nil {
				t.Fatal(err)
			}
			f, _ := z.Create(name)
			f.Write([]byte(strings.NewReplacer("{SPACE}", space, "{HOLDER}", holder).Replace(string(text))))
		}
		z.Close()
		path := filepath.Join(files, when+".zip")
		if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	importAs := func(path string) string {
		cmd := exec.Command(bin, "import", "--server", s.url, path)
		cmd.Env = append(os.Environ(), "PALABRE_TOKEN="+gao)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := importAs(register); !strings.Contains(out, "1 importé") {
		t.Fatalf("the register:\n%s", out)
	}
	for _, step := range []struct{ when, want string }{
		{"before", "Total : 3 importé, 0 corrigé, 0 déjà là"},
		{"after", "Total : 0 importé, 1 corrigé, 2 déjà là, 0 accepté (essai : rien n’est écrit), 0 refusé"},
		{"before", "Total : 0 importé, 0 corrigé, 3 déjà là"},
	} {
		if out := importAs(zipOf(step.when)); !strings.Contains(out, step.want) {
			t.Fatalf("the zip taken %s the edit:\n%s", step.when, out)
		}
	}
	got := jsonOf(s.must(gao, `{ commitments(first: 100) { edges { node { text status dueOn } } } }`, nil))
	if strings.Count(got, "WITHDRAWN") != 2 || strings.Count(got, "OPEN") != 3 || !strings.Contains(got, "2026-12-31") {
		t.Errorf("the commitments after the edit: %s", got)
	}
}
