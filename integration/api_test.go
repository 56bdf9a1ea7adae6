package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
)

// binary builds cmd/palabre once per test run.
func binary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "palabre")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/palabre/palabre/cmd/palabre")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// server is palabre serve running as a process.
type server struct {
	t      testing.TB
	cmd    *exec.Cmd
	url    string
	logs   *lockedBuffer
	client *http.Client // trusts the server's certificate over HTTPS
}

// lockedBuffer collects the server's log while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var servingLine = regexp.MustCompile(`palabre serving on (https?://[0-9.:]+)`)

func startServer(t testing.TB, bin, dir string, flags ...string) *server {
	t.Helper()
	return startServerWith(t, http.DefaultClient, bin, dir, flags...)
}

// startServerWith starts palabre serve and waits until client finds it
// ready.
func startServerWith(t testing.TB, client *http.Client, bin, dir string, flags ...string) *server {
	t.Helper()
	s, found := launchServer(t, client, bin, dir, flags...)
	s.awaitReady(found)
	return s
}

// launchServer starts palabre serve without waiting for it: the nodes of
// a cluster each wait for the others before they serve. The returned
// channel gives the URL it announces.
func launchServer(t testing.TB, client *http.Client, bin, dir string, flags ...string) (*server, <-chan string) {
	t.Helper()
	return launchServerWithEnv(t, client, nil, bin, dir, flags...)
}

// launchServerWithEnv is launchServer with env added to the server's
// environment (GODEBUG for a benchmark that reads the collector's trace).
func launchServerWithEnv(t testing.TB, client *http.Client, env []string, bin, dir string, flags ...string) (*server, <-chan string) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--log-format", "json"}, flags...)...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, logs: logs, client: client}
	t.Cleanup(func() { s.kill() })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	return s, found
}

// awaitReady waits for the server's URL on found, then for /readyz.
func (s *server) awaitReady(found <-chan string) { s.awaitReadyWithin(found, 30*time.Second) }

// awaitReadyWithin waits for the server's URL on found for at most wait,
// then for /readyz as long (at least 30 s): the URL comes at once, and a
// first start on millions of events replays for minutes before it is
// ready.
func (s *server) awaitReadyWithin(found <-chan string, wait time.Duration) {
	s.t.Helper()
	select {
	case s.url = <-found:
	case <-time.After(wait):
		s.t.Fatalf("the server did not start:\n%s", s.logs)
	}
	readyWait := max(wait, 30*time.Second)
	deadline := time.Now().Add(readyWait)
	for {
		res, err := s.client.Get(s.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("not ready after %v:\n%s", readyWait, s.logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
	}
}

type answer struct {
	status int
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	raw string
}

func (a answer) code() string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func (s *server) post(token, body string) answer {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := s.client.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, raw: string(b)}
	if err := json.Unmarshal(b, &a); err != nil {
		s.t.Fatalf("status %d, not JSON: %q", res.StatusCode, b)
	}
	return a
}

func (s *server) query(token, query string, vars map[string]any) answer {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.post(token, string(body))
}

func (s *server) must(token, query string, vars map[string]any) map[string]any {
	s.t.Helper()
	a := s.query(token, query, vars)
	if a.status != 200 || len(a.Errors) > 0 {
		s.t.Fatalf("%s\n-> %d %s", query, a.status, a.raw)
	}
	return a.Data
}

func pick(v any, path ...string) any {
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	return v
}

func newToken(t testing.TB, bin, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, append([]string{"token", "create", "--data", dir}, args...)...).Output()
	if err != nil {
		t.Fatalf("token create %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// TestTheBinaryEndToEnd builds palabre, serves a temporary data directory,
// runs a story through GraphQL for every role, kills the server with
// SIGKILL midway and checks nothing acknowledged was lost, then sends
// 2,000 malformed or hostile requests.
func TestTheBinaryEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	e := &endToEnd{t: t, bin: binary(t), dir: filepath.Join(t.TempDir(), "data")}
	e.admin = newToken(t, e.bin, e.dir, "--role", "admin")
	e.analyst = newToken(t, e.bin, e.dir, "--role", "analyst")
	e.advocacy = newToken(t, e.bin, e.dir, "--role", "advocacy")
	e.gao = newToken(t, e.bin, e.dir, "--role", "facilitator", "--region", "gao")
	e.mopti = newToken(t, e.bin, e.dir, "--role", "facilitator", "--region", "mopti")
	e.s = startServer(t, e.bin, e.dir)

	e.startTheStory()
	// SIGKILL, restart, and everything acknowledged is there.
	e.s.kill()
	e.s = startServer(t, e.bin, e.dir)
	e.write(5)
	e.findEveryAcknowledgedWrite()
	e.endTheStory()
	e.checkEveryRolesAnswers()
	e.sendHostileRequests()
	e.backUpThroughTheServer()
	e.stop()
}

// endToEnd is the end-to-end test's server, tokens and what it wrote.
type endToEnd struct {
	t                                    *testing.T
	bin, dir                             string
	s                                    *server
	admin, analyst, advocacy, gao, mopti string
	space, holder, commitment            string
	people, dialogues                    []string // acknowledged, to find again after a SIGKILL
}

// startTheStory establishes a space, registers a stakeholder, enrols
// people, holds dialogues and records a commitment and its progress.
func (e *endToEnd) startTheStory() {
	e.space = ulid.Make().String()
	e.s.must(e.admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Cadre de concertation", kind: COMMUNITY_DIALOGUE_FORUM, region: "gao", pillar: JUSTICE, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": e.space})
	e.holder = ulid.Make().String()
	e.s.must(e.advocacy, `mutation($c: ID!) { registerStakeholder(commandId: $c, input: {name: "Tribunal de Gao", type: COURT, level: REGIONAL, region: "gao"}) { id } }`, map[string]any{"c": e.holder})
	e.write(15)
	e.commitment = ulid.Make().String()
	e.s.must(e.advocacy, `mutation($c: ID!, $h: ID!, $s: ID!) { makeCommitment(commandId: $c, input: {stakeholderId: $h, spaceId: $s, text: "Audiences foraines mensuelles", pillar: JUSTICE, madeOn: "2025-03-03", dueOn: "2025-09-30"}) { id } }`,
		map[string]any{"c": e.commitment, "h": e.holder, "s": e.space})
	e.s.must(e.advocacy, `mutation($c: ID!, $id: ID!) { reportCommitmentProgress(commandId: $c, id: $id, input: {reportedOn: "2025-05-01", status: AT_RISK}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": e.commitment})
}

// write enrols n people, each attending a dialogue of their own, reading
// each dialogue's figures back as it is written.
func (e *endToEnd) write(n int) {
	enrol := `mutation($c: ID!, $code: String!, $sex: Sex!) { enrolParticipant(commandId: $c, input: {code: $code, sex: $sex, ageBand: AGE_18_24,
	  functioning: {}, displacement: NONE, region: "gao", consent: {given: true, on: "2025-02-01"}}, identity: {name: "E2E-CANARY-NAME"}) { id } }`
	hold := `mutation($c: ID!, $s: ID!, $a: [AttendeeInput!]) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: "2025-03-03", format: WORKSHOP,
	  pillar: JUSTICE, attendees: $a, headcount: {youngWomen: 2, adultWomen: 1, youngMen: 1, adultMen: 2}}) { id figures { attendance { count } } } }`
	for i := range n {
		p := ulid.Make().String()
		e.s.must(e.gao, enrol, map[string]any{"c": p, "code": fmt.Sprintf("E2E-%d", len(e.people)), "sex": []string{"FEMALE", "MALE"}[i%2]})
		e.people = append(e.people, p)
		d := ulid.Make().String()
		r := e.s.must(e.gao, hold, map[string]any{"c": d, "s": e.space, "a": []map[string]any{{"participantId": p, "spoke": true}}})
		if pick(r, "holdDialogue", "figures", "attendance", "count") != 7.0 {
			e.t.Fatalf("read-your-writes: %v", r)
		}
		e.dialogues = append(e.dialogues, d)
	}
}

func (e *endToEnd) findEveryAcknowledgedWrite() {
	for _, p := range e.people {
		r := e.s.must(e.gao, `query($id: ID!) { participant(id: $id) { id identity { name } } }`, map[string]any{"id": p})
		if pick(r, "participant", "identity", "name") != "E2E-CANARY-NAME" {
			e.t.Fatalf("participant %s after the restart: %v", p, r)
		}
	}
	for _, d := range e.dialogues {
		e.s.must(e.admin, `query($id: ID!) { dialogue(id: $id) { id } }`, map[string]any{"id": d})
	}
}

// endTheStory fulfils the commitment and erases the first person.
func (e *endToEnd) endTheStory() {
	e.s.must(e.advocacy, `mutation($c: ID!, $id: ID!) { fulfilCommitment(commandId: $c, id: $id, input: {on: "2025-08-01"}) { id } }`, map[string]any{"c": ulid.Make().String(), "id": e.commitment})
	e.s.must(e.admin, `mutation($c: ID!, $id: ID!) { eraseParticipant(commandId: $c, id: $id, input: {erasedOn: "2026-01-01"}) { erased } }`, map[string]any{"c": ulid.Make().String(), "id": e.people[0]})
}

// checkEveryRolesAnswers: figures perturbed or exact by role, and what
// each role may not read.
func (e *endToEnd) checkEveryRolesAnswers() {
	v := e.s.must(e.analyst, `query($s: ID!) { inclusion(spaceId: $s) { total { dialogues attendance { count } women { count suppressed } } } commitmentFigures { made fulfilled fulfilmentRate } }`, map[string]any{"s": e.space})
	// An analyst's counts are perturbed (cell-key, noise of at most 5); the
	// admin's are exact, and the analyst's stay the same when asked again.
	attendance, _ := pick(v, "inclusion", "total", "attendance", "count").(float64)
	if pick(v, "inclusion", "total", "dialogues") != 20.0 || attendance < 135 || attendance > 145 || pick(v, "commitmentFigures", "fulfilled") != 1.0 {
		e.t.Fatalf("the analyst's figures: %v", v)
	}
	if again := e.s.must(e.analyst, `query($s: ID!) { inclusion(spaceId: $s) { total { attendance { count } } } }`, map[string]any{"s": e.space}); pick(again, "inclusion", "total", "attendance", "count") != attendance {
		e.t.Fatalf("the same question answered %v, then %v", attendance, again)
	}
	if exact := e.s.must(e.admin, `query($s: ID!) { inclusion(spaceId: $s) { total { attendance { count } } } }`, map[string]any{"s": e.space}); pick(exact, "inclusion", "total", "attendance", "count") != 140.0 {
		e.t.Fatalf("the admin's attendance: %v", exact)
	}
	if a := e.s.query(e.analyst, `query($id: ID!) { participant(id: $id) { id } }`, map[string]any{"id": e.people[1]}); a.code() != "FORBIDDEN" {
		e.t.Fatalf("an analyst reading a participant: %s", a.raw)
	}
	if a := e.s.query(e.mopti, `query($id: ID!) { participant(id: $id) { id } }`, map[string]any{"id": e.people[1]}); a.code() != "NOT_FOUND" {
		e.t.Fatalf("another region's facilitator: %s", a.raw)
	}
	if a := e.s.query(e.advocacy, `query($id: ID!) { dialogue(id: $id) { attendees { participantId } } }`, map[string]any{"id": e.dialogues[0]}); pick(a.Data, "dialogue", "attendees") != nil {
		e.t.Fatalf("advocacy sees attendees: %s", a.raw)
	}
	r := e.s.must(e.gao, `query($id: ID!) { participant(id: $id) { erased identity { name } } }`, map[string]any{"id": e.people[0]})
	if pick(r, "participant", "identity") != nil {
		e.t.Fatalf("an erased participant's name: %v", r)
	}
}

// sendHostileRequests sends 2,000 malformed or hostile requests: each must
// get a 4xx with a JSON error, and leave no goroutine and no name behind.
func (e *endToEnd) sendHostileRequests() {
	goroutines := func() float64 {
		req, _ := http.NewRequest(http.MethodGet, e.s.url+"/healthz", nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatal(err)
		}
		defer res.Body.Close()
		var h map[string]any
		json.NewDecoder(res.Body).Decode(&h)
		return h["goroutines"].(float64)
	}
	before := goroutines()
	rng := rand.New(rand.NewPCG(1, 2))
	hostile := hostileRequests()
	for i := range 2000 {
		h := hostile[rng.IntN(len(hostile))]
		req, _ := http.NewRequest(h.method, e.s.url+h.path, strings.NewReader(h.body))
		if h.contentType != "-" {
			req.Header.Set("Content-Type", "application/json")
		}
		if !h.noToken {
			req.Header.Set("Authorization", "Bearer "+[]string{e.admin, e.analyst, e.advocacy, e.gao}[i%4])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			e.t.Fatalf("%s: the server went away: %v\n%s", h.name, err, e.s.logs)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var parsed struct {
			Errors []any `json:"errors"`
		}
		if res.StatusCode < 400 || res.StatusCode >= 500 || json.Unmarshal(body, &parsed) != nil || len(parsed.Errors) == 0 {
			e.t.Fatalf("%s: %d %.300s", h.name, res.StatusCode, body)
		}
	}
	e.s.must(e.admin, `{ me { role } }`, nil)
	// Connections the client just closed take a moment to end on the
	// server; a leak never does.
	http.DefaultClient.CloseIdleConnections()
	after := goroutines()
	for deadline := time.Now().Add(5 * time.Second); after > before+5 && time.Now().Before(deadline); after = goroutines() {
		time.Sleep(50 * time.Millisecond)
	}
	if after > before+5 {
		e.t.Fatalf("goroutines: %v before the hostile requests, %v after", before, after)
	}
	if strings.Contains(e.s.logs.String(), "E2E-CANARY-NAME") {
		e.t.Fatal("the server's log holds a participant's name")
	}
}

// backUpThroughTheServer: a hot backup through the running server
// restores into an empty directory.
func (e *endToEnd) backUpThroughTheServer() {
	backup := filepath.Join(e.t.TempDir(), "backup.tar")
	cmd := exec.Command(e.bin, "backup", backup, "--server", e.s.url)
	cmd.Env = append(os.Environ(), "PALABRE_TOKEN="+e.admin)
	if out, err := cmd.CombinedOutput(); err != nil {
		e.t.Fatalf("backup through the server: %v\n%s", err, out)
	}
	if out, err := exec.Command(e.bin, "restore", backup, "--data", filepath.Join(e.t.TempDir(), "restored")).CombinedOutput(); err != nil {
		e.t.Fatalf("restore: %v\n%s", err, out)
	}
}

// stop: a graceful stop exits cleanly.
func (e *endToEnd) stop() {
	e.s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- e.s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			e.t.Fatalf("exit after SIGTERM: %v\n%s", err, e.s.logs)
		}
	case <-time.After(20 * time.Second):
		e.t.Fatal("no exit 20 s after SIGTERM")
	}
}

type hostile struct {
	name, method, path, body, contentType string
	noToken                               bool
}

func hostileRequests() []hostile {
	post := func(name, body string) hostile {
		return hostile{name: name, method: "POST", path: "/graphql", body: body}
	}
	q := func(name, query string) hostile {
		b, _ := json.Marshal(map[string]any{"query": query})
		return post(name, string(b))
	}
	var aliases strings.Builder
	for i := range 40 {
		fmt.Fprintf(&aliases, "a%d: me { role } ", i)
	}
	return []hostile{
		post("bad JSON", `{"query": "{ me { role } }"`),
		post("not an object", `"{ me { role } }"`),
		post("batch", `[{"query":"{ me { role } }"}]`),
		post("empty", ``),
		post("no query", `{"variables": {}}`),
		post("wrong variable type", `{"query":"query($n: Int) { spaces(first: $n) { totalCount } }","variables":{"n":"x"}}`),
		post("huge number", `{"query":"query($n: Int) { spaces(first: $n) { totalCount } }","variables":{"n":123456789012345678901234567890}}`),
		post("variables not an object", `{"query":"{ me { role } }","variables":[1,2]}`),
		q("deep nesting", strings.Repeat("{ a ", 80)+strings.Repeat("}", 80)),
		q("too deep", `{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }`),
		q("alias flood", "{ "+aliases.String()+"}"),
		q("cyclic fragments", `query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`),
		q("self-spreading fragment", `{ ...A } fragment A on Query { me { role } ...A }`),
		q("unknown field", `{ secrets }`),
		q("syntax error", `{ me { role `),
		q("mutation with a bad id", `mutation { closeSpace(commandId: "nope", id: "nope", input: {closedOn: "2025-01-01"}) { id } }`),
		q("first over the cap", `{ spaces(first: 1000) { totalCount } }`),
		q("bad date", `{ inclusion(from: "2025-02-30") { total { dialogues } } }`),
		q("unknown operation", `query A { me { role } } query B { me { role } }`),
		{name: "oversize body", method: "POST", path: "/graphql", body: `{"query":"{ me { role } }","x":"` + strings.Repeat("y", 70<<10) + `"}`},
		{name: "no token", method: "POST", path: "/graphql", body: `{"query":"{ me { role } }"}`, noToken: true},
		{name: "text/plain", method: "POST", path: "/graphql", body: `{"query":"{ me { role } }"}`, contentType: "-"},
		{name: "mutation over GET", method: "GET", path: "/graphql?query=" + strings.ReplaceAll(`mutation{revokeToken(commandId:"01M8T4679H0XQMVVD5KJ5MDQBH",id:"x"){id}}`, " ", "%20")},
		{name: "PUT", method: "PUT", path: "/graphql", body: `{"query":"{ me { role } }"}`},
		{name: "no such path", method: "GET", path: "/admin"},
	}
}

// TestTheBinaryOnKurrentDB serves from KurrentDB instead of the embedded
// store: writes are read back at once, and survive a restart of palabre.
func TestTheBinaryOnKurrentDB(t *testing.T) {
	if os.Getenv("PALABRE_KURRENTDB_URL") != "" {
		t.Skip("needs a KurrentDB of its own: $all of a shared server holds other tests' events")
	}
	url := kurrentDBURL(t)
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "data")
	admin := newToken(t, bin, dir, "--role", "admin")
	s := startServer(t, bin, dir, "--store", "kurrentdb", "--kurrentdb-url", url)
	space := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { establishSpace(commandId: $c, input: {name: "Comité", kind: OTHER, region: "mopti", pillar: INCLUSION, establishedOn: "2025-01-05"}) { id } }`, map[string]any{"c": space})
	person := ulid.Make().String()
	s.must(admin, `mutation($c: ID!) { enrolParticipant(commandId: $c, input: {code: "K-1", sex: FEMALE, ageBand: AGE_18_24, functioning: {}, displacement: NONE, region: "mopti", consent: {given: true, on: "2025-02-01"}}, identity: {name: "Kurrent"}) { id } }`, map[string]any{"c": person})
	d := s.must(admin, `mutation($c: ID!, $s: ID!, $p: ID!) { holdDialogue(commandId: $c, input: {spaceId: $s, heldOn: "2025-03-03", format: WORKSHOP, pillar: INCLUSION, attendees: [{participantId: $p}], headcount: {adultWomen: 4}}) { figures { attendance { count } } } }`,
		map[string]any{"c": ulid.Make().String(), "s": space, "p": person})
	if pick(d, "holdDialogue", "figures", "attendance", "count") != 5.0 {
		t.Fatalf("read-your-writes over KurrentDB: %v", d)
	}
	s.kill()
	s = startServer(t, bin, dir, "--store", "kurrentdb", "--kurrentdb-url", url)
	v := s.must(admin, `query($s: ID!, $p: ID!) { inclusion(spaceId: $s) { total { attendance { count } } } participant(id: $p) { identity { name } } }`, map[string]any{"s": space, "p": person})
	if pick(v, "inclusion", "total", "attendance", "count") != 5.0 || pick(v, "participant", "identity", "name") != "Kurrent" {
		t.Fatalf("after a restart over KurrentDB: %v", v)
	}
}
