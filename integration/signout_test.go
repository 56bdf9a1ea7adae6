package integration

import (
	"strings"
	"testing"
)

// signOutRun is what signout.mjs found.
type signOutRun struct {
	Error string `json:"error"`
	Steps []struct {
		Name       string `json:"name"`
		Screen     string `json:"screen"`
		Said       string `json:"said"`
		PinOpened  bool   `json:"pinOpened"`
		OldSession int    `json:"oldSession"`
		OnServer   bool   `json:"onServer"`
		Outbox     string `json:"outbox"`
	} `json:"steps"`
}

// TestASignOutOfflineIsNotLost: a Gao facilitator who signs out offline
// is signed out for good. Back online, the PIN does not open the app
// again (the sign-in page stands), the server has ended the session the
// cookie named, and the enrolment made offline is sent only under the
// token that made it: not by another facilitator who signs in on the
// device (and knows its PIN), but once its own facilitator signs in again.
// A quick exit made offline leaves no session the next person resumes.
func TestASignOutOfflineIsNotLost(t *testing.T) {
	b := newBrowserBench(t)
	admin := b.token(t, "--role", "admin")
	gao := b.token(t, "--role", "facilitator", "--region", "gao")
	other := b.token(t, "--role", "facilitator", "--region", "gao")
	s, cert := startHTTPSServer(t, b.bin, b.dir)
	var run signOutRun
	b.run(t, cert.trusted(), &run, "signout.mjs", s.url, gao, other, admin, b.shots)
	steps := map[string]int{}
	for i, st := range run.Steps {
		steps[st.Name] = i
	}
	if run.Error != "" {
		t.Errorf("the browser run stopped: %s\nsteps so far: %+v", run.Error, run.Steps)
	}
	if i, ok := steps["signed out offline"]; !ok {
		t.Fatalf("no step %q: %+v", "signed out offline", run.Steps)
	} else if st := run.Steps[i]; st.Screen != "sign-in" || !strings.Contains(st.Said, "1 envoi") {
		t.Errorf("signed out offline, the app shows %q and says %q", st.Screen, st.Said)
	}
	i, ok := steps["reopened"]
	if !ok {
		t.Fatalf("no step %q: %+v", "reopened", run.Steps)
	}
	if st := run.Steps[i]; st.Screen != "sign-in" || st.PinOpened || st.OldSession != 401 || st.OnServer {
		t.Errorf("reopened online: the app shows %q (the PIN opened it: %v), the old session answers %d, the enrolment was sent under it: %v",
			st.Screen, st.PinOpened, st.OldSession, st.OnServer)
	}
	if i, ok := steps["another signs in"]; !ok {
		t.Errorf("no step %q", "another signs in")
	} else if st := run.Steps[i]; st.OnServer || !strings.Contains(st.Outbox, "une autre connexion") {
		t.Errorf("another facilitator signed in: the enrolment was sent %v; the outbox says %q", st.OnServer, st.Outbox)
	}
	if i, ok := steps["back"]; !ok || !run.Steps[i].OnServer {
		t.Errorf("the facilitator who made the enrolment signed in again and it was not sent: %+v", run.Steps)
	}
	// Found after the review: a quick exit offline left a session the next
	// person resumed by choosing a new PIN.
	if i, ok := steps["quick exit offline"]; !ok {
		t.Errorf("no step %q: %+v", "quick exit offline", run.Steps)
	} else if st := run.Steps[i]; st.Screen != "sign-in" || st.OldSession != 401 {
		t.Errorf("reopened after a quick exit offline: the app shows %q, the old session answers %d", st.Screen, st.OldSession)
	}
}
