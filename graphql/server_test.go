package graphql_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRequestsOverTheLimitsAreRefusedBeforeGraphQLGo(t *testing.T) {
	e := newEnv(t)
	post := func(body string, header ...string) response {
		req, _ := http.NewRequest(http.MethodPost, e.server.URL+"/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+e.admin)
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return e.send(req)
	}
	q := func(query string) string {
		var b bytes.Buffer
		b.WriteString(`{"query":`)
		b.WriteString(strings.ReplaceAll(jsonString(query), "\n", " "))
		b.WriteString(`}`)
		return b.String()
	}
	for _, tc := range []struct {
		name   string
		res    response
		status int
		code   string
	}{
		// graphql-go v0.8.1 would die of a fatal stack overflow on this one.
		{"cyclic fragments", post(q(`query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }`)), 400, "BAD_USER_INPUT"},
		{"eleven levels", post(q(`{ spaces { edges { node { targets { women } } } } }` + strings.Repeat(" ", 0))), 200, ""},
		{"too deep", post(q(`{ a { b { c { d { e { f { g { h { i { j { k } } } } } } } } } } }`)), 400, "BAD_USER_INPUT"},
		{"alias flood", post(q("{ " + strings.Repeat("x: me { role } ", 31) + "}")), 400, "BAD_USER_INPUT"},
		{"oversize body", post(`{"query":"{ me { role } }","pad":"` + strings.Repeat("x", 70<<10) + `"}`), 413, "BAD_USER_INPUT"},
		{"batch", post(`[{"query":"{ me { role } }"},{"query":"{ me { role } }"}]`), 400, "BAD_USER_INPUT"},
		{"not JSON", post(`{"query": `), 400, "BAD_USER_INPUT"},
		{"wrong content type", post(q(`{ me { role } }`), "Content-Type", "text/plain"), 415, "BAD_USER_INPUT"},
		{"no token", post(q(`{ me { role } }`), "Authorization", ""), 401, "UNAUTHENTICATED"},
		{"unknown field", post(q(`{ nope }`)), 400, "BAD_USER_INPUT"},
		{"wrong variable type", post(`{"query":"query($n: Int) { spaces(first: $n) { totalCount } }","variables":{"n":"ten"}}`), 400, "BAD_USER_INPUT"},
		{"huge number", post(`{"query":"query($n: Int) { spaces(first: $n) { totalCount } }","variables":{"n":1e300}}`), 400, "BAD_USER_INPUT"},
		{"first over the cap", post(q(`{ spaces(first: 101) { totalCount } }`)), 400, "BAD_USER_INPUT"},
	} {
		if tc.res.Status != tc.status || tc.res.code() != tc.code {
			t.Errorf("%s: %d %s, want %d %s: %s", tc.name, tc.res.Status, tc.res.code(), tc.status, tc.code, tc.res.raw)
		}
	}
	// The server is still up and answering.
	e.must(e.admin, `{ me { role } }`, nil)
}

func TestGetIsForQueriesOnly(t *testing.T) {
	e := newEnv(t)
	get := func(query string) response {
		req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/graphql?query="+url.QueryEscape(query), nil)
		req.Header.Set("Authorization", "Bearer "+e.admin)
		return e.send(req)
	}
	if r := get(`{ me { role } }`); r.Status != 200 || r.code() != "" {
		t.Fatalf("a query over GET: %s", r.raw)
	}
	if r := get(`mutation { revokeToken(commandId: "01M8T4679H0XQMVVD5KJ5MDQBH", id: "x") { id } }`); r.Status != 405 {
		t.Fatalf("a mutation over GET: %d %s", r.Status, r.raw)
	}
}

func TestHealthReadinessAndGraphiQL(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/healthz", "/readyz", "/graphiql", "/graphiql/assets/graphiql.min.js"} {
		res, err := http.Get(e.server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", path, res.StatusCode)
		}
	}
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func TestAnAnswerIsReusedOnlyUntilTheNextWrite(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	q := `query($s: ID!) { inclusion(spaceId: $s) { total { dialogues } } }`
	vars := map[string]any{"s": s.gaoSpace}
	for range 2 {
		if d := e.must(e.analyst, q, vars); get(d, "inclusion", "total", "dialogues") != 1.0 {
			t.Fatalf("before: %v", d)
		}
	}
	e.must(e.gao, `mutation($c: ID!, $space: ID!) { holdDialogue(commandId: $c, input: {spaceId: $space, heldOn: "2025-04-02", format: WORKSHOP, pillar: SECURITY, headcount: {adultMen: 5}}) { id } }`,
		map[string]any{"c": newID(), "space": s.gaoSpace})
	if d := e.must(e.analyst, q, vars); get(d, "inclusion", "total", "dialogues") != 2.0 {
		t.Fatalf("after a write the answer is stale: %v", d)
	}
	// Identity reads are never served from the cache: each is audited.
	before := strings.Count(e.logs.String(), `"audit":"identity read"`)
	for range 3 {
		e.must(e.gao, `query($id: ID!) { participant(id: $id) { identity { name } } }`, map[string]any{"id": s.alice})
	}
	if n := strings.Count(e.logs.String(), `"audit":"identity read"`) - before; n != 3 {
		t.Fatalf("%d audit records for 3 identity reads", n)
	}
}

// TestRefusedRequestsLeaveNoNameInTheLog: a refusal's message may quote
// the request, so the log keeps only its code and field.
func TestRefusedRequestsLeaveNoNameInTheLog(t *testing.T) {
	e := newEnv(t)
	for _, q := range []string{
		`mutation { enrolParticipant(commandId: "x", input: {code: "A", sex: FEMALE, region: "gao", displacement: NONE, functioning: {}, consent: {given: true, on: "2025-01-01"}}, identity: {name: "` + canaryAlice + `", phone: 12}) { id } }`,
		`{ participant(id: "` + canaryAlice + `") { code } }`,
	} {
		if r := e.do(e.gao, q, nil); len(r.Errors) == 0 {
			t.Fatalf("%s: %s", q, r.raw)
		}
	}
	if strings.Contains(e.logs.String(), canaryAlice) {
		t.Fatalf("the log quotes a name:\n%s", e.logs)
	}
}

// TestAsOfReproducesAnEarlierReport: after a correction, a view as of a
// moment before it (the store's moment of recording) gives the figures
// reported then.
func TestAsOfReproducesAnEarlierReport(t *testing.T) {
	e := newEnv(t)
	s := writeStory(e)
	time.Sleep(5 * time.Millisecond)
	report := time.Now().UTC()
	time.Sleep(5 * time.Millisecond)
	e.must(e.gao, `mutation($c: ID!, $id: ID!) { correctDialogueAttendance(commandId: $c, id: $id, input: {headcount: {adultWomen: 40}}) { id } }`,
		map[string]any{"c": newID(), "id": s.dialogue})
	q := `query($s: ID!, $at: String) { inclusion(spaceId: $s, asOf: $at) { total { attendance { count } } } }`
	if d := e.must(e.admin, q, map[string]any{"s": s.gaoSpace}); get(d, "inclusion", "total", "attendance", "count") != 40.0 {
		t.Fatalf("now: %v", d)
	}
	if d := e.must(e.admin, q, map[string]any{"s": s.gaoSpace, "at": report.Format(time.RFC3339Nano)}); get(d, "inclusion", "total", "attendance", "count") != 17.0 {
		t.Fatalf("as of the report: %v", d)
	}
	if r := e.do(e.admin, q, map[string]any{"s": s.gaoSpace, "at": "last year"}); r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "asOf" {
		t.Fatalf("a bad asOf: %s", r.raw)
	}
}
