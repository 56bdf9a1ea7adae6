package graphql

import (
	"bytes"
	"container/list"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/oklog/ulid/v2"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/graphql/graphiql"
	"github.com/palabre/palabre/graphql/limits"
	"github.com/palabre/palabre/projections/participants"
)

// Options tune the HTTP side; zero fields take defaults.
type Options struct {
	MaxBody        int64         // bytes; default 64 KB (64 × 1024)
	RequestTimeout time.Duration // default 10 s
	Limits         limits.Limits
	// CacheSize is how many parsed and validated documents are kept by
	// query text; default 1,000.
	CacheSize int
	// Budget is the most a request may cost, estimated before it runs
	// (see cost.go); default DefaultBudget.
	Budget int
	// PerToken is how many requests of one token execute at once; default
	// half the cores, at least one.
	PerToken int
	// Imports bound an import (POST /import); default
	// imports.DefaultLimits.
	Imports imports.Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (proxy.go); none by default.
	TrustedProxies []netip.Prefix
	// ExportRows is the most rows one export holds (it is held in memory
	// until written); past it the export is refused, naming the limit.
	// Default DefaultExportRows.
	ExportRows int
	// BackupStall is how long a backup's download may take no byte
	// before it is cut: a node keeps a copy of every participant's key
	// while it serves one. Default a minute.
	BackupStall time.Duration
}

// Server serves GraphQL over HTTP, GraphiQL, and health and readiness.
type Server struct {
	deps    Deps
	schema  gql.Schema
	builder *builder
	opts    Options
	cache   *lru[*ast.Document]
	page    http.Handler // GraphiQL
	// answers keeps whole answers to queries by token, text, variables
	// and read-model version: a repeated query costs no execution until
	// the next write. Answers with errors or identities are never kept.
	answers *lru[[]byte]
	running *slots
	// importer admits and bounds imports, one at a time per token.
	importer *imports.Importer
	// tables are the exports, and labels their enums' words: made once.
	tables map[string]export
	labels map[string][2]string
}

// NewServer builds the schema and the handler.
func NewServer(deps Deps, opts *Options) (*Server, error) {
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	b, schema, err := build(deps)
	if err != nil {
		return nil, err
	}
	s := &Server{deps: deps, schema: schema, builder: b}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.MaxBody <= 0 {
		s.opts.MaxBody = 64 << 10
	}
	if s.opts.RequestTimeout <= 0 {
		s.opts.RequestTimeout = 10 * time.Second
	}
	if s.opts.BackupStall <= 0 {
		s.opts.BackupStall = time.Minute
	}
	if s.opts.CacheSize <= 0 {
		s.opts.CacheSize = 1000
	}
	if s.opts.Budget <= 0 {
		s.opts.Budget = DefaultBudget
	}
	if s.opts.PerToken <= 0 {
		s.opts.PerToken = max(1, runtime.NumCPU()/2)
	}
	if s.opts.ExportRows <= 0 {
		s.opts.ExportRows = DefaultExportRows
	}
	s.running = newSlots(s.opts.PerToken)
	if s.opts.Imports == (imports.Limits{}) {
		s.opts.Imports = imports.DefaultLimits()
	}
	s.importer = imports.NewImporter(s.opts.Imports)
	s.tables, s.labels = s.exports(), enumLabels()
	s.cache = newLRU[*ast.Document](s.opts.CacheSize)
	s.page = graphiql.Handler()
	s.answers = newLRU[[]byte](s.opts.CacheSize)
	return s, nil
}

// Schema is the executable schema, for printing and tests.
func (s *Server) Schema() gql.Schema { return s.schema }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.securityHeaders(w, r)
	switch {
	case r.URL.Path == "/graphql":
		s.serveGraphQL(w, r)
	case r.URL.Path == "/graphiql" || strings.HasPrefix(r.URL.Path, "/graphiql/"):
		s.page.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/export/"):
		s.serveExport(w, r)
	case r.URL.Path == "/import":
		s.serveImport(w, r)
	case r.URL.Path == "/form/dialogue.xlsx", strings.HasPrefix(r.URL.Path, "/form/register/"):
		s.serveForm(w, r)
	case r.URL.Path == "/session":
		s.serveSession(w, r)
	case r.URL.Path == "/admin/backup" && s.deps.Backup != nil:
		s.serveBackup(w, r)
	case r.URL.Path == "/admin/cluster" && s.deps.Cluster != nil:
		s.serveCluster(w, r)
	case r.URL.Path == "/admin/cluster/remove-peer" && s.deps.RemovePeer != nil:
		s.serveRemovePeer(w, r)
	case r.URL.Path == "/admin/erasures" && s.deps.Participants != nil:
		s.serveErasures(w, r)
	case r.URL.Path == "/public" || strings.HasPrefix(r.URL.Path, "/public/"):
		s.servePublic(w, r)
	case r.URL.Path == "/healthz":
		body := map[string]any{"status": "ok"}
		if s.operator(r) {
			body["goroutines"] = runtime.NumGoroutine()
		}
		writeJSON(w, http.StatusOK, body)
	case r.URL.Path == "/readyz":
		s.serveReady(w, s.operator(r))
	case s.serveApp(w, r):
	default:
		writeJSON(w, http.StatusNotFound, errorBody(notFoundIn(readerLanguage(r), "no such path; the API is at /graphql")))
	}
}

// operator reports whether a request carries an admin token: only then do
// health and readiness say more than up and ready (the log's position and
// the goroutine count tell an outsider how busy the server is).
func (s *Server) operator(r *http.Request) bool {
	who, err := s.authenticate(r)
	return err == nil && s.builder.policy.Allow(who, policy.ReadServerState) == nil
}

// serveReady answers 200 once every read model has caught up and none has
// failed; the models' details go to operators only.
func (s *Server) serveReady(w http.ResponseWriter, details bool) {
	type model struct {
		Name     string `json:"name"`
		Position string `json:"position"`
		CaughtUp bool   `json:"caughtUp"`
		Failed   bool   `json:"failed"`
	}
	var models []model
	ready := true
	for _, st := range s.deps.Runner.Status() {
		models = append(models, model{st.Name, st.Position.String(), st.CaughtUp, st.Err != nil})
		ready = ready && st.CaughtUp && st.Err == nil
	}
	var storeProblem error
	if s.deps.StoreHealth != nil {
		storeProblem = s.deps.StoreHealth()
	}
	feedProblem := s.deps.Runner.Following()
	ready = ready && storeProblem == nil && feedProblem == nil
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	body := map[string]any{"ready": ready}
	if details {
		body["models"] = models
		if storeProblem != nil {
			body["store"] = storeProblem.Error()
		}
		if feedProblem != nil {
			body["feed"] = feedProblem.Error()
		}
	}
	if u, ok := unavailable(storeProblem); ok {
		w.Header().Set("Retry-After", strconv.Itoa(u.RetryAfter))
	}
	writeJSON(w, status, body)
}

type gqlRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

// serveGraphQL answers /graphql: the request read, its document parsed
// and its sender authenticated, then the answer, from the cache when a
// query's is kept.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	req, status, problem := s.readRequest(w, r)
	if problem != nil {
		x.fail(status, problem)
		return
	}
	doc, err := s.document(req.Query, readerLanguage(r))
	if err != nil {
		var c *coded
		errors.As(err, &c)
		x.fail(http.StatusBadRequest, c)
		return
	}
	principal, err := s.authenticate(r)
	if errors.Is(err, errNoToken) && introspectionOnly(doc) {
		// The schema is public (schema/schema.graphql): GraphiQL and other
		// tools may load it before a token is pasted.
		principal, err = access.Principal{Subject: "anonymous"}, nil
	}
	if err != nil {
		x.unauthenticated(err)
		return
	}
	x.log = x.log.With().Str("subject", principal.Subject).Logger()

	op := operationOf(doc, req.OperationName)
	if op == nil {
		x.fail(http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "operationName", "no such operation in the document"))
		return
	}
	if op.Operation != ast.OperationTypeQuery && r.Method == http.MethodGet {
		w.Header().Set("Allow", "POST")
		x.fail(http.StatusMethodNotAllowed, badInputIn(readerLanguage(r), "", "mutations are POST only"))
		return
	}
	s.answer(x, r, principal, req, doc, op)
}

// readRequest reads a GraphQL request from a GET's query string or a
// POST's JSON body. A request it refuses comes back as the status and
// the problem to answer with.
func (s *Server) readRequest(w http.ResponseWriter, r *http.Request) (gqlRequest, int, *coded) {
	var req gqlRequest
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				return req, http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "variables", "variables must be a JSON object")
			}
		}
	case http.MethodPost:
		if status, problem := s.readBody(w, r, &req); problem != nil {
			return req, status, problem
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		return req, http.StatusMethodNotAllowed, refusalIn(readerLanguage(r), CodeBadUserInput, "", "use POST, or GET for queries")
	}
	if strings.TrimSpace(req.Query) == "" {
		return req, http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "query", "query is required")
	}
	return req, http.StatusOK, nil
}

// readBody reads a POST's body, one JSON object within the size limit,
// into req.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, req *gqlRequest) (int, *coded) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "application/json") {
		return http.StatusUnsupportedMediaType, refusalIn(readerLanguage(r), CodeBadUserInput, "", "send the request as application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return http.StatusRequestEntityTooLarge, &coded{Code: CodeBadUserInput, Message: read.Say(readerLanguage(r), "the request body is over the limit of %s", byteSize(s.opts.MaxBody))}
		}
		return http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "", "the request body could not be read")
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		return http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "", "batched requests are not accepted; send one operation per request")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(req); err != nil || dec.More() {
		return http.StatusBadRequest, refusalIn(readerLanguage(r), CodeBadUserInput, "", "the body must be one JSON object with query, and optionally variables and operationName")
	}
	req.Variables = numbersToGo(req.Variables).(map[string]any)
	return http.StatusOK, nil
}

// answer executes an admitted operation and writes its result. A query's
// answer is kept under the read models' version and the principal, and
// served again while neither moves — only to principals who see every
// region (read.SeesEveryRegion).
func (s *Server) answer(x *exchange, r *http.Request, principal access.Principal, req gqlRequest, doc *ast.Document, op *ast.OperationDefinition) {
	w := x.w
	var answerKey string
	version := s.deps.Runner.Version()
	if op.Operation == ast.OperationTypeQuery && version%2 == 0 && read.SeesEveryRegion(principal) {
		answerKey = s.answerKey(principal, readerLanguage(r), req, version)
		if body, ok := s.answers.get(answerKey); ok {
			writeBody(w, http.StatusOK, body)
			return
		}
	}

	// After the answer cache: a kept answer was estimated under its key.
	rq := &request{principal: principal, id: x.id, log: x.log, language: readerLanguage(r)}
	result, err := s.execute(r.Context(), rq, doc, op, req.OperationName, req.Variables)
	if x.refused(err) {
		return
	}
	// Without data, the request failed as a whole: the status says how.
	failed := result.Data == nil && len(result.Errors) > 0
	result.Errors = s.clientErrors(x.log, x.id, rq.language, result.Errors, failed)
	status := http.StatusOK
	if failed {
		status = statusOf[result.Errors[0].Extensions["code"]]
	}
	for _, e := range result.Errors {
		if seconds, ok := e.Extensions["retryAfter"].(int); ok {
			w.Header().Set("Retry-After", strconv.Itoa(seconds))
		}
	}
	body, err := encodeJSON(result)
	if err != nil {
		// A figure JSON cannot carry (an infinity): an error, not an
		// empty 200.
		x.log.Error().Err(err).Msg("encoding the answer failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	// Kept only when the read models did not move during the execution.
	if answerKey != "" && len(result.Errors) == 0 && !rq.readIdentities.Load() && s.deps.Runner.Version() == version && len(body) <= 256<<10 {
		s.answers.put(answerKey, body)
	}
	writeBody(w, status, body)
}

// execute runs an operation for a request through the checks and limits
// every transport shares: its variables' dates and enums
// (variableProblems), the cost budget, one of the token's execution slots,
// and the deadline. Returns a *coded error for a request over the budget
// and errTimeout when the deadline passed.
func (s *Server) execute(parent context.Context, rq *request, doc *ast.Document, op *ast.OperationDefinition, operationName string, vars map[string]any) (*gql.Result, error) {
	if problems := s.variableProblems(op, vars); len(problems) > 0 {
		return nil, refusalAt("", problems, rq.language)
	}
	cost, err := s.cost(doc, op, vars, read.Viewer{Principal: rq.principal, Language: rq.language})
	if err == nil && cost > int64(s.opts.Budget) {
		err = read.BadInputIn(rq.language, "query", "this request would cost about %d (units of about 2 µs: every field one, lists times their first or their length, an inclusion view its dialogues and cells); the budget is %d: narrow the view (one region, a shorter period), ask for fewer items, or split it", cost, s.opts.Budget)
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(parent, s.opts.RequestTimeout)
	defer cancel()
	release, err := s.running.acquire(ctx, rq.principal.TokenID)
	if err != nil {
		return nil, errTimeout
	}
	defer release()
	ctx = context.WithValue(ctx, requestKey{}, rq)
	result := gql.Execute(gql.ExecuteParams{Schema: s.schema, AST: doc, OperationName: operationName, Args: vars, Context: ctx})
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// graphql-go answers at the deadline with whatever it has; the
		// resolvers stop on their own (errTimeout).
		return nil, errTimeout
	}
	return result, nil
}

// newRequestID names a request in answers and the log.
func newRequestID() string { return ulid.MustNew(ulid.Now(), rand.Reader).String() }

// exchange is one request to any endpoint: its id (in the X-Request-Id
// header and every log line), its log, and how it is refused.
type exchange struct {
	s   *Server
	w   http.ResponseWriter
	r   *http.Request
	id  string
	log zerolog.Logger
}

func (s *Server) begin(w http.ResponseWriter, r *http.Request) *exchange {
	id := newRequestID()
	w.Header().Set("X-Request-Id", id)
	return &exchange{s: s, w: w, r: r, id: id, log: s.deps.Logger.With().Str("request", id).Logger()}
}

// refusedToken logs where a refused token came from, for an admin
// watching for someone guessing: the client's address, never the token.
func (x *exchange) refusedToken(why string) {
	x.log.Warn().Str("client", x.s.clientAddress(x.r).String()).Str("why", why).Msg("token refused")
}

// fail refuses the request, logging its code and field — never its
// message, which may quote the request, and a request may hold a
// participant's name.
func (x *exchange) fail(status int, c *coded) {
	x.log.Info().Int("status", status).Str("code", c.Code).Str("field", c.Field).Msg("request refused")
	writeJSON(x.w, status, errorBody(inLanguage(c, readerLanguage(x.r))))
}

func (x *exchange) unauthenticated(err error) {
	if u, ok := unavailable(err); ok {
		// The tokens other nodes recorded cannot be read: no token is
		// trusted on what this node last knew (a revocation may be missed).
		x.log.Warn().Err(err).Msg("tokens unavailable")
		x.w.Header().Set("Retry-After", strconv.Itoa(u.RetryAfter))
		x.fail(http.StatusServiceUnavailable, u)
		return
	}
	if !errors.Is(err, access.ErrUnauthenticated) && !errors.Is(err, errNoToken) && !errors.Is(err, errNoCSRF) {
		x.log.Error().Err(err).Msg("reading the tokens failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	if !errors.Is(err, errNoToken) {
		x.refusedToken(err.Error())
	}
	x.w.Header().Set("WWW-Authenticate", `Bearer realm="palabre"`)
	language := readerLanguage(x.r)
	refusal := refusalIn(language, CodeUnauthenticated, "", "send a valid token: Authorization: Bearer plb_…")
	switch {
	case errors.Is(err, errNoCSRF):
		refusal = refusalIn(language, CodeUnauthenticated, "", "a request signed in by the session cookie must carry the header %s: 1", csrfHeader)
	case errors.Is(err, access.ErrRevoked):
		// The web app wipes the device on this answer, by its field.
		refusal = refusalIn(language, CodeUnauthenticated, "revoked", "this token was revoked: ask an admin for a new one")
	}
	x.fail(http.StatusUnauthorized, refusal)
}

// forbidden refuses a request the write policy refuses (403), in the
// reader's language.
// admitted authenticates a request to a door outside GraphQL and asks the
// write policy whether its sender may do op, answering the refusal when
// not: the one preamble of every such door.
func (x *exchange) admitted(r *http.Request, op policy.Operation) (access.Principal, bool) {
	who, err := x.s.authenticate(r)
	if err != nil {
		x.unauthenticated(err)
		return who, false
	}
	if err := x.s.builder.policy.Allow(who, op); err != nil {
		x.forbidden(r, err)
		return who, false
	}
	return who, true
}

func (x *exchange) forbidden(r *http.Request, err error) {
	var refused *policy.Forbidden
	if errors.As(err, &refused) {
		x.fail(http.StatusForbidden, forbiddenBy(refused, readerLanguage(r)))
		return
	}
	x.fail(http.StatusForbidden, &coded{Code: CodeForbidden, Message: err.Error()})
}

// refused answers a request that execute refused, reporting whether it
// did: past its deadline (503 TIMEOUT, and a log line) or over the budget
// (400).
func (x *exchange) refused(err error) bool {
	var c *coded
	switch {
	case err == nil:
		return false
	case errors.Is(err, errTimeout):
		// Its own log line, with the request id that the answer carries.
		x.log.Warn().Str("code", CodeTimeout).Dur("timeout", x.s.opts.RequestTimeout).Msg("request ran out of time")
		body := errorBody(inLanguage(errTimeout, readerLanguage(x.r)))
		body.Errors[0].Extensions["requestId"] = x.id
		writeJSON(x.w, http.StatusServiceUnavailable, body)
	case errors.As(err, &c):
		x.fail(http.StatusBadRequest, c)
	default:
		x.log.Error().Err(err).Msg("execution failed")
		x.fail(http.StatusInternalServerError, errInternal)
	}
	return true
}

var statusOf = map[any]int{CodeBadUserInput: http.StatusBadRequest, CodeUnauthenticated: http.StatusUnauthorized,
	CodeForbidden: http.StatusForbidden, CodeNotFound: http.StatusNotFound, CodeConflict: http.StatusConflict, CodeInternal: http.StatusInternalServerError,
	CodeTimeout: http.StatusServiceUnavailable, CodeRateLimited: http.StatusTooManyRequests, CodeUnavailable: http.StatusServiceUnavailable}

// errNoToken: the request carries no token at all (as opposed to a bad
// one).
var errNoToken = errors.New("no token")

// authenticate reads the bearer token, else the session cookie (which
// only counts with the CSRF header: no other site can send it). Returns
// errNoToken when there is neither (no header, or an empty bearer),
// errNoCSRF for a cookie without the header, access.ErrUnauthenticated
// for a bad one.
func (s *Server) authenticate(r *http.Request) (access.Principal, error) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h != "" && h != "Bearer" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return access.Principal{}, access.ErrUnauthenticated
		}
		return s.deps.Tokens.Authenticate(r.Context(), strings.TrimSpace(token))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return access.Principal{}, errNoToken
	}
	if r.Header.Get(csrfHeader) == "" {
		return access.Principal{}, errNoCSRF
	}
	return s.deps.Tokens.AuthenticateSession(r.Context(), c.Value)
}

// introspectionOnly reports whether every operation of a document asks
// only __schema, __type and __typename at its root.
func introspectionOnly(doc *ast.Document) bool {
	for _, def := range doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if op.Operation != ast.OperationTypeQuery || !rootIntrospection(op.SelectionSet) {
			return false
		}
	}
	return true
}

func rootIntrospection(set *ast.SelectionSet) bool {
	for _, sel := range set.Selections {
		switch s := sel.(type) {
		case *ast.Field:
			if n := s.Name.Value; n != "__schema" && n != "__type" && n != "__typename" {
				return false
			}
		case *ast.InlineFragment:
			if !rootIntrospection(s.SelectionSet) {
				return false
			}
		case *ast.FragmentSpread:
			return false // the standard query spreads fragments only below __schema
		}
	}
	return true
}

// document parses, checks the limits and validates a query, once per
// query text; a refusal is said in language.
func (s *Server) document(query, language string) (*ast.Document, error) {
	if doc, ok := s.cache.get(query); ok {
		return doc, nil
	}
	doc, err := limits.Parse(query, s.opts.Limits)
	if err != nil {
		var le *limits.Error
		errors.As(err, &le)
		message := le.Message // a syntax error is the parser's own English
		if le.Template != "" {
			message = read.Say(language, le.Template, le.Args...)
		}
		return nil, &coded{Code: CodeBadUserInput, Message: message}
	}
	if problems := s.argumentProblems(doc); len(problems) > 0 {
		return nil, refusalAt("", problems, language)
	}
	if v := gql.ValidateDocument(&s.schema, doc, nil); !v.IsValid {
		msgs := make([]string, len(v.Errors))
		for i, e := range v.Errors {
			msgs[i] = e.Message
		}
		return nil, &coded{Code: CodeBadUserInput, Message: strings.Join(msgs, "; ")}
	}
	s.cache.put(query, doc)
	return doc, nil
}

func operationOf(doc *ast.Document, name string) *ast.OperationDefinition {
	var found *ast.OperationDefinition
	for _, def := range doc.Definitions {
		op, ok := def.(*ast.OperationDefinition)
		if !ok {
			continue
		}
		if name == "" {
			if found != nil {
				return nil // several operations need a name
			}
			found = op
		} else if op.Name != nil && op.Name.Value == name {
			return op
		}
	}
	return found
}

// clientErrors keeps coded errors, said in the reader's language, gives
// graphql-go's own errors about the request a BAD_USER_INPUT code, and
// replaces anything else — a panic, a bug — with INTERNAL, logging the
// original. Every INTERNAL error carries the request id that finds its
// details in the log.
func (s *Server) clientErrors(log zerolog.Logger, requestID, language string, errs []gqlerrors.FormattedError, requestError bool) []gqlerrors.FormattedError {
	for i, e := range errs {
		switch _, coded := e.Extensions["code"]; {
		case coded:
			if c := codedOf(e); c != nil {
				errs[i].Message = c.In(language)
			}
		case requestError && e.Path == nil: // about the variables, not from a resolver
			errs[i].Extensions = map[string]any{"code": CodeBadUserInput}
		default:
			log.Error().Str("error", e.Message).Interface("path", e.Path).Msg("resolver failed")
			errs[i].Message = errInternal.In(language)
			errs[i].Extensions = map[string]any{"code": CodeInternal}
		}
		if errs[i].Extensions["code"] == CodeInternal {
			ext := map[string]any{"requestId": requestID}
			maps.Copy(ext, errs[i].Extensions)
			errs[i].Extensions = ext
		}
	}
	return errs
}

// codedOf is the error a resolver returned, if it is one a client may
// read; graphql-go wraps it.
func codedOf(e gqlerrors.FormattedError) *coded {
	var c *coded
	if located, ok := e.OriginalError().(*gqlerrors.Error); ok && located.OriginalError != nil {
		errors.As(located.OriginalError, &c)
		return c
	}
	errors.As(e.OriginalError(), &c)
	return c
}

// serveBackup streams a hot backup of the store to an admin.
func (s *Server) serveBackup(w http.ResponseWriter, r *http.Request) {
	s.serveAdminFile(w, r, policy.Backup, "backup", "application/x-tar", func(ctx context.Context, _ io.Writer) error {
		// A backup of a large store outlasts the API's write timeout, but
		// not a download standing still: a node's backup keeps a copy of
		// every participant's key while it is served.
		_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		return s.deps.Backup(ctx, stallCutWriter{w, s.opts.BackupStall})
	})
}

// stallCutWriter moves the connection's write deadline before each write,
// so that a reader taking nothing for stall is cut.
type stallCutWriter struct {
	w     http.ResponseWriter
	stall time.Duration
}

func (s stallCutWriter) Write(p []byte) (int, error) {
	extendWriteDeadline(s.w, s.stall)
	return s.w.Write(p)
}

// serveErasures lists every erasure, by pseudonymous id and date, for an
// admin to keep beside the master key's copy (see palabre erasures).
func (s *Server) serveErasures(w http.ResponseWriter, r *http.Request) {
	s.serveAdminFile(w, r, policy.ListErasures, "erasures", "text/tab-separated-values; charset=utf-8", func(_ context.Context, w io.Writer) error {
		list := s.deps.Participants.Erasures()
		if s.deps.Outcomes != nil {
			list = participants.Merged(list, s.deps.Outcomes.Erasures())
		}
		return participants.WriteErasures(w, list)
	})
}

// serveAdminFile answers a GET of a file only an admin may have, with the
// API's authentication and error format, and audits it.
func (s *Server) serveAdminFile(w http.ResponseWriter, r *http.Request, op policy.Operation, audit, contentType string, write func(context.Context, io.Writer) error) {
	x := s.begin(w, r)
	log := x.log
	who, ok := x.admitted(r, op)
	if !ok {
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		x.fail(http.StatusMethodNotAllowed, refusalIn(readerLanguage(r), CodeBadUserInput, "", "use GET"))
		return
	}
	w.Header().Set("Content-Type", contentType)
	log.Info().Str("audit", audit).Str("subject", who.Subject).Str("token", who.TokenID).Msg("audit")
	if err := write(r.Context(), w); err != nil {
		log.Error().Err(err).Str("file", audit).Msg("writing failed") // the client gets a truncated file; a backup's, Restore refuses
	}
}

type errorResponse struct {
	Errors []gqlerrors.FormattedError `json:"errors"`
}

func errorBody(c *coded) errorResponse {
	return errorResponse{Errors: []gqlerrors.FormattedError{{Message: c.Message, Locations: nil, Extensions: c.Extensions()}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := encodeJSON(v)
	if err != nil {
		status, body = http.StatusInternalServerError, errorBodyJSON(errInternal)
	}
	writeBody(w, status, body)
}

func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.Bytes(), err
}

// errorBodyJSON is a refusal's body, which always encodes: its fields are
// strings and numbers.
func errorBodyJSON(c *coded) []byte {
	body, _ := encodeJSON(errorBody(c))
	return body
}

func writeBody(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// answerKey identifies an answer: the token (answers depend on who asks),
// the reader's language (a change's summary is said in it), the operation
// and its variables, the read models' version, and the day ("overdue"
// changes at midnight).
func (s *Server) answerKey(p access.Principal, language string, req gqlRequest, version uint64) string {
	vars, _ := json.Marshal(req.Variables) // map keys come sorted
	// The tokens' version too: the list of tokens changes without an event.
	return strings.Join([]string{p.TokenID, strconv.FormatBool(p.Session), language, req.OperationName, req.Query, string(vars),
		strconv.FormatUint(version, 10), strconv.FormatUint(s.deps.Tokens.Version(), 10), s.deps.Clock().UTC().Format(time.DateOnly)}, "\x00")
}

// numbersToGo turns json.Numbers into int when whole and in range, float64
// otherwise, as graphql-go's coercion expects.
func numbersToGo(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return map[string]any{}
		}
		for k, e := range x {
			x[k] = numbersToGo(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = numbersToGo(e)
		}
		return x
	case json.Number:
		if n, err := x.Int64(); err == nil && n >= -1<<31 && n < 1<<31 {
			return int(n)
		}
		f, _ := x.Float64()
		return f
	case nil:
		return nil
	}
	return v
}

// lru keeps values by key, evicting the least recently used.
type lru[V any] struct {
	mu    sync.Mutex
	size  int
	items map[string]*list.Element // of *lruItem[V]
	order *list.List               // most recently used first
}

type lruItem[V any] struct {
	key   string
	value V
}

func newLRU[V any](size int) *lru[V] {
	return &lru[V]{size: size, items: map[string]*list.Element{}, order: list.New()}
}

func (c *lru[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem[V]).value, true
}

func (c *lru[V]) put(key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*lruItem[V]).value = v
		c.order.MoveToFront(el)
		return
	}
	if c.order.Len() >= c.size {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*lruItem[V]).key)
	}
	c.items[key] = c.order.PushFront(&lruItem[V]{key: key, value: v})
}

// byteSize is a size as a person reads it in their language: whole KB or
// MB (of 1024) when it is one, as the imports' limits say theirs ("64 Ko",
// "64 KB"), else bytes.
type byteSize int64

// String is the size in English, as a reason's English says it.
func (n byteSize) String() string { return n.In("en") }

func (n byteSize) In(language string) string {
	units := [][2]string{{"octets", "bytes"}, {"Ko", "KB"}, {"Mo", "MB"}}
	size, unit := int64(n), 0
	for unit < len(units)-1 && size >= 1024 && size%1024 == 0 {
		size, unit = size/1024, unit+1
	}
	if language == "fr" {
		return fmt.Sprintf("%d %s", size, units[unit][0])
	}
	return fmt.Sprintf("%d %s", size, units[unit][1])
}
