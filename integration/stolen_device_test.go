package integration

import (
	"slices"
	"strings"
	"testing"

	"github.com/oklog/ulid/v2"
)

// stolenRun is what stolen.mjs found.
type stolenRun struct {
	Steps []struct {
		Name string `json:"name"`
		// The thief's reading of the device.
		Waiting         []string            `json:"waiting"`
		Databases       []string            `json:"databases"`
		CachedFiles     []string            `json:"cachedFiles"`
		InClear         []string            `json:"inClear"`
		Clear           map[string][]string `json:"clear"`
		CodeInClear     bool                `json:"codeInClear"`
		NoteInClear     bool                `json:"noteInClear"`
		SealedForServer int                 `json:"sealedForServer"`
		OpenedWithPin   int                 `json:"openedWithPin"`
		PinError        string              `json:"pinError"`
		GuessMs         float64             `json:"guessMs"`
		InOpened        []string            `json:"inOpened"`
		CodeInOpened    bool                `json:"codeInOpened"`
		NoteInOpened    bool                `json:"noteInOpened"`
		EnvelopeOpened  bool                `json:"envelopeInOpened"`
		Hits            []string            `json:"hits"`
		// The wipes.
		UnlockMs     float64  `json:"unlockMs"`
		ServerName   string   `json:"serverName"`
		ServerPhone  string   `json:"serverPhone"`
		URL          string   `json:"url"`
		Left         *left    `json:"left"`
		Before       *left    `json:"before"`
		SessionAfter int      `json:"sessionAfter"`
		Said         []string `json:"said"`
		Alarm        string   `json:"alarm"`
	} `json:"steps"`
	Problems []string `json:"problems"`
	Error    string   `json:"error"`
}

// left is what an origin still keeps in a browser.
type left struct {
	Databases []string `json:"databases"`
	Caches    []string `json:"caches"`
	Local     int      `json:"local"`
	Session   int      `json:"session"`
	Workers   int      `json:"workers"`
	States    []string `json:"workerStates"`
}

func (l *left) empty() bool {
	return l != nil && len(l.Databases) == 0 && len(l.Caches) == 0 && l.Local == 0 && l.Session == 0 && l.Workers == 0
}

// TestAStolenDeviceGivesUpNoName: over HTTPS, a facilitator enrols a
// newcomer and logs a dialogue with them offline; whoever takes the
// laptop then, PIN included, finds no name or phone in anything the
// browser keeps, in clear or opened with the PIN, nor in the profile's
// files; the server opens the name once the device is back online. The
// quick exit, five wrong PINs and a revoked token each leave nothing of
// palabre in the browser, and a server key other than the pinned one is
// refused.
func TestAStolenDeviceGivesUpNoName(t *testing.T) {
	b := newBrowserBench(t)
	admin := b.token(t, "--role", "admin")
	gao := b.token(t, "--role", "facilitator", "--region", "gao")
	s, cert := startHTTPSServer(t, b.bin, b.dir)
	space := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité de Gao", kind: SECURITY_ADVISORY_COMMITTEE, region: "gao", pillar: SECURITY, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})

	var run stolenRun
	b.run(t, cert.trusted(), &run, "stolen.mjs", s.url, cert.spki, gao, admin, space, b.shots)
	if run.Error != "" {
		t.Errorf("the browser run stopped: %s\nsteps so far: %+v", run.Error, run.Steps)
	}
	steps := map[string]int{}
	for i, st := range run.Steps {
		steps[st.Name] = i
	}
	for _, name := range []string{"stolen", "disk", "quick exit", "lockout", "key changed", "revoked"} {
		if _, ok := steps[name]; !ok {
			t.Fatalf("no step %q: %+v", name, run.Steps)
		}
	}
	stolen := run.Steps[steps["stolen"]]
	t.Logf("what a stolen device keeps in clear: %v; cached files %d; one guess at the PIN took %.0f ms with Node's scrypt", stolen.Clear, len(stolen.CachedFiles), stolen.GuessMs)
	if !slices.Equal(stolen.Waiting, []string{"En attente", "En attente"}) {
		t.Errorf("the offline work: %v", stolen.Waiting)
	}
	if len(stolen.InClear) > 0 || stolen.CodeInClear || stolen.NoteInClear {
		t.Errorf("in clear on the device: %v, the code %v, the note %v", stolen.InClear, stolen.CodeInClear, stolen.NoteInClear)
	}
	// With the PIN the thief opens the outbox and the codes (so the
	// check is real), and finds the name only sealed to the server.
	if stolen.PinError != "" || stolen.OpenedWithPin < 3 || !stolen.CodeInOpened || !stolen.NoteInOpened || !stolen.EnvelopeOpened || len(stolen.InOpened) > 0 {
		t.Errorf("opened with the PIN: %d records (%s), the code %v, the note %v, the sealed envelope %v, the name or phone %v",
			stolen.OpenedWithPin, stolen.PinError, stolen.CodeInOpened, stolen.NoteInOpened, stolen.EnvelopeOpened, stolen.InOpened)
	}
	if disk := run.Steps[steps["disk"]]; len(disk.Hits) > 0 {
		t.Errorf("the browser profile's files hold %v", disk.Hits)
	}
	exit := run.Steps[steps["quick exit"]]
	t.Logf("unlocking with the PIN in Chromium took %.0f ms", exit.UnlockMs)
	if exit.ServerName != "Fanta Voleur-Canari" || exit.ServerPhone != "+223-STOLEN-4242" {
		t.Errorf("the server opened %q, %q", exit.ServerName, exit.ServerPhone)
	}
	if exit.URL != "about:blank" || !exit.Left.empty() || exit.SessionAfter != 401 {
		t.Errorf("after the quick exit: at %q, left %+v, the session answers %d", exit.URL, exit.Left, exit.SessionAfter)
	}
	lock := run.Steps[steps["lockout"]]
	if lock.URL != "about:blank" || !lock.Left.empty() || len(lock.Said) != 4 || !strings.Contains(lock.Said[0], "Encore 4 essai(s)") || !strings.Contains(lock.Said[3], "Encore 1 essai(s)") {
		t.Errorf("five wrong PINs: at %q, left %+v, told %q", lock.URL, lock.Left, lock.Said)
	}
	if alarm := run.Steps[steps["key changed"]].Alarm; !strings.Contains(alarm, "La clé du serveur a changé") || !strings.Contains(alarm, "forged-key") {
		t.Errorf("a server key other than the pinned one: %q", alarm)
	}
	rev := run.Steps[steps["revoked"]]
	if rev.Before.empty() || rev.URL != "about:blank" || !rev.Left.empty() {
		t.Errorf("a revoked token's device: before %+v, at %q, left %+v", rev.Before, rev.URL, rev.Left)
	}
	// A device left by the PIN's first scheme keeps its unsent work.
	if first, ok := steps["first scheme"]; !ok {
		t.Errorf("no step %q", "first scheme")
	} else if f := run.Steps[first]; f.ServerName != "Oumou Ancien-Schéma" || f.ServerPhone != "+223-OLD-0600" || len(f.InClear) > 0 ||
		len(f.Said) != 1 || !strings.Contains(f.Said[0], "Encore 4 essai(s)") {
		t.Errorf("a first-scheme device: the server opened %q, %q; in clear after the move %v; told %q", f.ServerName, f.ServerPhone, f.InClear, f.Said)
	}
	if len(run.Problems) > 0 {
		t.Errorf("errors in the page: %v", run.Problems)
	}
}
