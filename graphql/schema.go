package graphql

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"io/fs"
	"maps"

	"sync/atomic"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/rs/zerolog"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/disclosure"
	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/frameworks"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/participants"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Deps are everything the API reads and writes; the schema is built from
// them, with no globals.
type Deps struct {
	Handler      *commands.Handler
	Runner       *projections.Runner
	Inclusion    *inclusion.Model
	Commitments  *commitments.Model
	Stakeholders *stakeholders.Model
	Participants *participants.Model
	// Outcomes is optional: without it no outcome is found.
	Outcomes *outcomes.Model
	// Frameworks are the results frameworks; nil for none.
	Frameworks *frameworks.Model
	// AsOf answers inclusion views as they stood at a past moment.
	AsOf   *projections.AsOf
	Tokens *access.Tokens
	Logger zerolog.Logger
	// SmallCells is the threshold below which counts are withheld from
	// roles without access to identities; default 5.
	SmallCells int
	// Disclosure is how those roles' figures are published: CellKey
	// (default) or Suppress (refused by palabre serve, kept as the attack
	// suite's undefended control). CellKey needs an Inclusion model made with
	// inclusion.NewKeyed, whose record keys nobody can compute.
	Disclosure Disclosure
	// CellKey are the perturbation's parameters; default
	// disclosure.DefaultParams.
	CellKey disclosure.Params
	// Clock stamps commitment figures' "overdue"; default time.Now.
	Clock func() time.Time
	// Replays bounds the past views (asOf) one token may have replayed
	// from the log, cached ones free: this many at once, then one a
	// minute; default 4.
	Replays int
	// Secret keys what the server signs (cursors); cmd derives it from
	// the master key. Default: random, so cursors last as long as the
	// process.
	Secret []byte
	// CodeKey keys the ids of participants an import enrols:
	// keystore.Secret(participant.CodeKeyPurpose), the key the handler
	// names code claims with. Imports are refused without it.
	CodeKey []byte
	// Envelopes opens the names and phones devices seal to the server
	// (IdentityInput.sealed, VerifierInput.sealed), each for the command
	// it arrives in; its key is published as Query.deviceKey. Without it
	// sealed identities are refused.
	Envelopes *keystore.Envelopes
	// Publication, when set, gives a file of the latest publication
	// (palabre publish) as signed, by its slash path, served read-only at
	// /public; false when there is none (site.Served.File).
	Publication func(name string) ([]byte, bool)
	// WebApp, when set, is the web app's bundle, served at "/".
	WebApp fs.FS
	// Backup, when set, writes a hot backup of the store for
	// GET /admin/backup (admins only).
	Backup func(context.Context, io.Writer) error
	// Cluster, when set, reports the replicated log's state for
	// GET /admin/cluster (ReadServerState); RemovePeer takes a node lost
	// for good out of it, POST /admin/cluster/remove-peer?name=NAME
	// (admins' bearer tokens only).
	Cluster    func(context.Context) (any, error)
	RemovePeer func(ctx context.Context, name string) error
	// StoreHealth says why the event store cannot take writes now (a full
	// disk, a reopening), nil when it can: /readyz reports it. Optional.
	StoreHealth func() error
}

// Disclosure names how figures are published to roles without access to
// identities (read.Disclosure).
type Disclosure = read.Disclosure

const (
	CellKey  = read.CellKey
	Suppress = read.Suppress
)

// derive makes a key for one purpose from the server's secret.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("palabre " + purpose))
	return m.Sum(nil)
}

// LegacyTokenSecret recomputes the secret that builds before random
// secrets gave a token made through the API: an HMAC of its command id
// under a key derived from the server's secret (from master.key). serve
// revokes at start the tokens whose secret it recomputes.
func LegacyTokenSecret(secret []byte) func(commandID string) ([]byte, bool) {
	key := derive(secret, "tokens")
	return func(commandID string) ([]byte, bool) {
		id, err := domain.ParseID("commandId", commandID)
		if err != nil {
			return nil, false
		}
		m := hmac.New(sha256.New, key)
		m.Write(id[:])
		return m.Sum(nil), true
	}
}

// identityTag starts the description of every field that reveals who a
// participant is; a test walks every field reachable by introspection and
// checks that none so tagged resolves for a role without access to
// identities.
const identityTag = "[identity] "

func tagged(f *gql.Field, description string) *gql.Field {
	f.Description = identityTag + description
	return f
}

// requestKey holds the request's principal and id in the context.
type requestKey struct{}

type request struct {
	principal access.Principal
	id        string
	log       zerolog.Logger
	// language is the reader's (Accept-Language): "fr" or "en".
	language string
	// readIdentities is set when the request opened a name: its answer
	// is never cached, so that every such read is audited.
	readIdentities atomic.Bool
	// leaves: the answer is an export's file, which travels further than
	// the app; the read service keeps back what stays inside.
	leaves bool
}

func requestOf(ctx context.Context) *request {
	r, _ := ctx.Value(requestKey{}).(*request)
	if r == nil {
		return &request{log: zerolog.Nop()}
	}
	return r
}

func principalOf(ctx context.Context) access.Principal { return requestOf(ctx).principal }

// viewerOf is the request's viewer for the read service: its principal,
// its log for audit records, and the mark that keeps an answer holding an
// identity out of the caches.
func viewerOf(ctx context.Context) read.Viewer {
	req := requestOf(ctx)
	return read.Viewer{Principal: req.principal, Log: req.log, ReadIdentity: func() { req.readIdentities.Store(true) }, Language: req.language, Leaves: req.leaves}
}

// must checks a capability, as the read service does.
func must(ctx context.Context, c access.Capability) error { return read.Must(viewerOf(ctx), c) }

type builder struct {
	deps    Deps
	cursors cursorKey
	// read answers every read, scoped and released.
	read *read.Service
	// policy judges every write.
	policy *policy.Policy
	enums  map[string]*gql.Enum // by vocabulary name
	// connections by node type name, made once
	connections map[string]*gql.Object

	space, dialogue, commitmentT, stakeholder, participant, token, figuresType, changeType *gql.Object
	outcomeT                                                                               *gql.Object
	node                                                                                   *gql.Interface
	frameworks                                                                             frameworkTypes
	report                                                                                 *gql.Object
}

// NewSchema builds the GraphQL schema over deps.
func NewSchema(deps Deps) (gql.Schema, error) {
	_, schema, err := build(deps)
	return schema, err
}

func build(deps Deps) (*builder, gql.Schema, error) {
	extendIntrospection()
	if deps.Clock == nil {
		deps.Clock = time.Now
	}
	if len(deps.Secret) == 0 {
		deps.Secret = make([]byte, 32)
		if _, err := rand.Read(deps.Secret); err != nil {
			return nil, gql.Schema{}, err
		}
	}
	svc, err := read.New(read.Config{Inclusion: deps.Inclusion, Commitments: deps.Commitments, Stakeholders: deps.Stakeholders,
		Participants: deps.Participants, Outcomes: deps.Outcomes, Frameworks: deps.Frameworks, Handler: deps.Handler, AsOf: deps.AsOf, SmallCells: deps.SmallCells,
		Disclosure: deps.Disclosure, CellKey: deps.CellKey, Replays: deps.Replays, Clock: deps.Clock,
		NameKey: derive(deps.Secret, "name index")})
	if err != nil {
		return nil, gql.Schema{}, err
	}
	enums := newEnums()
	b := &builder{deps: deps, enums: enums, cursors: derive(deps.Secret, "cursors"),
		read: svc, policy: newPolicy(deps, svc), connections: map[string]*gql.Object{}}
	b.objects()
	b.histories()
	queries := b.queries()
	maps.Copy(queries, b.outcomeQueries())
	b.relations(queries)
	query := gql.NewObject(gql.ObjectConfig{Name: "Query", Fields: queries,
		Description: "What the token may read: consultative spaces, dialogues, commitments, stakeholders, participants (pseudonymous; names only for facilitators of their region and admins) and inclusion figures. Another region's object answers as one that does not exist."})
	mutation := gql.NewObject(gql.ObjectConfig{Name: "Mutation", Fields: b.mutations(),
		Description: "Commands. Each takes a commandId the client makes once: a retry with it returns the first result."})
	schema, err := gql.NewSchema(gql.SchemaConfig{Query: query, Mutation: mutation,
		Types: []gql.Type{b.space, b.dialogue, b.commitmentT, b.stakeholder, b.participant, b.outcomeT, b.frameworks.framework}})
	return b, schema, err
}

// objects builds the types a node can be, and tokens, in the order
// their fields need them: a dialogue's figures and an attendee's
// participant are built before the dialogue.
func (b *builder) objects() {
	b.node = b.nodeInterface()
	b.space = b.spaceObject()
	b.figureTypes()
	b.participant = b.participantObject()
	b.dialogue = b.dialogueObject()
	b.commitmentT = b.commitmentObject()
	b.stakeholder = b.stakeholderObject()
	b.outcomeT = b.outcomeObject()
	b.token = b.tokenObject()
	b.frameworks = b.frameworkObjects()
	b.report = b.reportObject(b.frameworks)
}

// nodeInterface resolves a node to its type by the read model's value.
func (b *builder) nodeInterface() *gql.Interface {
	return gql.NewInterface(gql.InterfaceConfig{Name: "Node", Fields: gql.Fields{"id": {Type: nonNull(gql.ID)}},
		ResolveType: func(p gql.ResolveTypeParams) *gql.Object {
			switch p.Value.(type) {
			case inclusion.Space:
				return b.space
			case inclusion.DialogueRow:
				return b.dialogue
			case commitments.Commitment:
				return b.commitmentT
			case stakeholders.Stakeholder:
				return b.stakeholder
			case participants.Participant:
				return b.participant
			case outcomes.Outcome:
				return b.outcomeT
			case frameworks.Framework:
				return b.frameworks.framework
			}
			return nil
		}})
}

func (b *builder) spaceObject() *gql.Object {
	targets := gql.NewObject(gql.ObjectConfig{Name: "Targets", Description: "Inclusion targets, in percent of attendance, read to a hundredth of a percent; a target is met when the share reaches it exactly or more. Each measure's target stands alone: women always have one (30 unless set otherwise, after Mali's Loi n°2015-052; 0 follows none), the others only when set.", Fields: gql.Fields{
		"women":      resolve(gql.Float, func(t targetsOf) any { return floatOrNil(t.Women) }),
		"youth":      resolve(gql.Float, func(t targetsOf) any { return floatOrNil(t.Youth) }),
		"disability": resolve(gql.Float, func(t targetsOf) any { return floatOrNil(t.Disability) }),
		"displaced":  resolve(gql.Float, func(t targetsOf) any { return floatOrNil(t.Displaced) }),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: "Space", Description: "A consultative space.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":            resolve(nonNull(gql.ID), func(s inclusion.Space) any { return s.ID.String() }),
		"name":          resolve(nonNull(gql.String), func(s inclusion.Space) any { return s.Name }),
		"region":        resolve(nonNull(gql.String), func(s inclusion.Space) any { return s.Region }),
		"pillar":        resolve(nonNull(b.enums["Pillar"]), func(s inclusion.Space) any { return s.Pillar }),
		"closed":        resolve(nonNull(gql.Boolean), func(s inclusion.Space) any { return s.Closed }),
		"kind":          resolve(nonNull(b.enums["SpaceKind"]), func(s inclusion.Space) any { return s.Kind }),
		"locality":      resolve(gql.String, func(s inclusion.Space) any { return nilIfEmpty(s.Locality) }),
		"establishedOn": resolve(nonNull(dateType), func(s inclusion.Space) any { return s.EstablishedOn }),
		"closedOn":      resolve(dateType, func(s inclusion.Space) any { return s.ClosedOn }),
		"targets":       resolve(nonNull(targets), func(s inclusion.Space) any { return targetsOf(s.Targets) }),
	}})
}

// participantObject is a pseudonymous record, its identity a field
// that the read service opens (and audits) for whom it may.
func (b *builder) participantObject() *gql.Object {
	identity := gql.NewObject(gql.ObjectConfig{Name: "Identity", Description: "[identity] Who a participant is. Shown only to facilitators of the participant's region and to admins; every read is audited.", Fields: gql.Fields{
		"name":  tagged(resolve(nonNull(gql.String), func(i keystore.Identity) any { return i.Name }), "The participant's name."),
		"phone": tagged(resolve(gql.String, func(i keystore.Identity) any { return nilIfEmpty(i.Phone) }), "The participant's phone number."),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: "Participant", Description: "A participant's pseudonymous record.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":           resolve(nonNull(gql.ID), func(p participants.Participant) any { return p.ID.String() }),
		"code":         resolve(nonNull(gql.String), func(p participants.Participant) any { return p.Profile.Code }),
		"sex":          resolve(nonNull(b.enums["Sex"]), func(p participants.Participant) any { return p.Profile.Sex }),
		"birthYear":    resolve(gql.Int, func(p participants.Participant) any { return intOrNil(p.Profile.BirthYear) }),
		"ageBand":      resolve(b.enums["AgeBand"], func(p participants.Participant) any { return nilIfEmpty(p.Profile.AgeBand) }),
		"disability":   resolve(nonNull(gql.Boolean), func(p participants.Participant) any { return p.Profile.Functioning.HasDisability() }),
		"displacement": resolve(nonNull(b.enums["Displacement"]), func(p participants.Participant) any { return p.Profile.Displacement }),
		"groups":       resolve(nonNull(listOf(gql.String)), func(p participants.Participant) any { return nonNilStrings(p.Profile.Groups) }),
		"constituency": resolve(gql.String, func(p participants.Participant) any { return nilIfEmpty(p.Profile.Constituency) }),
		"region":       resolve(nonNull(gql.String), func(p participants.Participant) any { return p.Profile.Region }),
		"locality":     resolve(gql.String, func(p participants.Participant) any { return nilIfEmpty(p.Profile.Locality) }),
		"consentGiven": resolve(nonNull(gql.Boolean), func(p participants.Participant) any { return p.Consent.Given }),
		"erased":       resolve(nonNull(gql.Boolean), func(p participants.Participant) any { return p.Erased }),
		"erasedOn":     resolve(dateType, func(p participants.Participant) any { return p.ErasedOn }),
		"identity": {Type: identity, Description: identityTag + "Name and phone; null once erased. Every read is audited.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return b.identity(p.Context, p.Source.(participants.Participant).ID)
			}},
	}})
}

// dialogueObject: its attendees and headcount only for whom may see the
// region's participants, its figures as the read service releases them.
func (b *builder) dialogueObject() *gql.Object {
	attendee := gql.NewObject(gql.ObjectConfig{Name: "Attendee", Fields: gql.Fields{
		"participantId": resolve(nonNull(gql.ID), func(a attendeeOf) any { return a.ParticipantID.String() }),
		"spoke":         resolve(nonNull(gql.Boolean), func(a attendeeOf) any { return a.Spoke }),
		"participant": {Type: b.participant, Description: "Their pseudonymous record.",
			Resolve: related(func(a attendeeOf) *domain.ID { return &a.ParticipantID }, b.getParticipant)},
	}})
	headcount := gql.NewObject(gql.ObjectConfig{Name: "Headcount", Description: "Attendees who were not registered, by sex and youth (15–35); withDisabilities and displaced are among them.", Fields: gql.Fields{
		"youngWomen":       resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.YoungWomen }),
		"adultWomen":       resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.AdultWomen }),
		"youngMen":         resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.YoungMen }),
		"adultMen":         resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.AdultMen }),
		"withDisabilities": resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.WithDisabilities }),
		"displaced":        resolve(nonNull(gql.Int), func(h dialogue.Headcount) any { return h.Displaced }),
	}})
	concern := gql.NewObject(gql.ObjectConfig{Name: "Concern", Fields: gql.Fields{
		"category": resolve(nonNull(b.enums["ConcernCategory"]), func(c concernOf) any { return c.Category }),
		"summary":  resolve(gql.String, func(c concernOf) any { return nilIfEmpty(c.Summary) }),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: "Dialogue", Description: "A dialogue, meeting, workshop or session.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":              resolve(nonNull(gql.ID), func(d inclusion.DialogueRow) any { return d.Dialogue.ID.String() }),
		"spaceId":         resolve(nonNull(gql.ID), func(d inclusion.DialogueRow) any { return d.Dialogue.SpaceID.String() }),
		"heldOn":          resolve(nonNull(dateType), func(d inclusion.DialogueRow) any { return d.Dialogue.HeldOn }),
		"format":          resolve(nonNull(b.enums["DialogueFormat"]), func(d inclusion.DialogueRow) any { return d.Dialogue.Format }),
		"title":           resolve(gql.String, func(d inclusion.DialogueRow) any { return nilIfEmpty(d.Dialogue.Title) }),
		"pillar":          resolve(nonNull(b.enums["Pillar"]), func(d inclusion.DialogueRow) any { return d.Dialogue.Pillar }),
		"topics":          resolve(nonNull(listOf(gql.String)), func(d inclusion.DialogueRow) any { return nonNilStrings(d.Dialogue.Topics) }),
		"locality":        resolve(gql.String, func(d inclusion.DialogueRow) any { return nilIfEmpty(d.Dialogue.Locality) }),
		"language":        resolve(gql.String, func(d inclusion.DialogueRow) any { return nilIfEmpty(d.Dialogue.Language) }),
		"durationMinutes": resolve(gql.Int, func(d inclusion.DialogueRow) any { return intOrNil(d.Dialogue.DurationMinutes) }),
		"stakeholderIds":  resolve(nonNull(listOf(gql.ID)), func(d inclusion.DialogueRow) any { return idStrings(d.Dialogue.StakeholderIDs) }),
		"concerns": resolve(nonNull(listOf(concern)), func(d inclusion.DialogueRow) any {
			out := make([]concernOf, len(d.Dialogue.Concerns))
			for i, c := range d.Dialogue.Concerns {
				out[i] = concernOf(c)
			}
			return out
		}),
		"retracted": resolve(nonNull(gql.Boolean), func(d inclusion.DialogueRow) any { return d.Dialogue.Retracted }),
		"attendees": {Type: listOf(attendee), Description: "Registered attendees; null unless you may see this region's participants.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				attendance, ok := b.read.Attendance(viewerOf(p.Context), p.Source.(inclusion.DialogueRow))
				if !ok {
					return nil, nil
				}
				out := make([]attendeeOf, len(attendance.Attendees))
				for i, a := range attendance.Attendees {
					out[i] = attendeeOf(a)
				}
				return out, nil
			}},
		"headcount": {Type: headcount, Description: "The unregistered attendees as they were counted; null unless you may see this region's participants.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				if a, ok := b.read.Attendance(viewerOf(p.Context), p.Source.(inclusion.DialogueRow)); ok {
					return a.Headcount, nil
				}
				return nil, nil
			}},
		"figures": {Type: nonNull(b.figuresType), Description: "This dialogue's attendance breakdown. Without access to identities only attendance is published, and only from the threshold up: per-dialogue counts could be subtracted from the views' totals.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return b.read.DialogueFigures(viewerOf(p.Context), p.Source.(inclusion.DialogueRow)), nil
			}},
	}})
}

func (b *builder) commitmentObject() *gql.Object {
	return gql.NewObject(gql.ObjectConfig{Name: "Commitment", Description: "A commitment made by a stakeholder.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":            resolve(nonNull(gql.ID), func(c commitments.Commitment) any { return c.ID.String() }),
		"stakeholderId": resolve(nonNull(gql.ID), func(c commitments.Commitment) any { return c.StakeholderID.String() }),
		"spaceId":       resolve(gql.ID, func(c commitments.Commitment) any { return idString(c.SpaceID) }),
		"dialogueId":    resolve(gql.ID, func(c commitments.Commitment) any { return idString(c.DialogueID) }),
		"text":          resolve(nonNull(gql.String), func(c commitments.Commitment) any { return c.Text }),
		"pillar":        resolve(nonNull(b.enums["Pillar"]), func(c commitments.Commitment) any { return c.Pillar }),
		"madeOn":        resolve(nonNull(dateType), func(c commitments.Commitment) any { return c.MadeOn }),
		"dueOn":         resolve(dateType, func(c commitments.Commitment) any { return c.DueOn }),
		"benefits":      resolve(nonNull(listOf(gql.String)), func(c commitments.Commitment) any { return nonNilStrings(c.Benefits) }),
		"status":        resolve(nonNull(b.enums["CommitmentStatus"]), func(c commitments.Commitment) any { return string(c.Status) }),
		"progress":      resolve(b.enums["ProgressStatus"], func(c commitments.Commitment) any { return nilIfEmpty(c.Progress) }),
		"settledOn":     resolve(dateType, func(c commitments.Commitment) any { return c.SettledOn }),
		"overdue": {Type: nonNull(gql.Boolean), Resolve: func(p gql.ResolveParams) (any, error) {
			c := p.Source.(commitments.Commitment)
			return c.Overdue(domain.DateOf(b.deps.Clock())), nil
		}},
	}})
}

func (b *builder) stakeholderObject() *gql.Object {
	return gql.NewObject(gql.ObjectConfig{Name: "Stakeholder", Description: "An organisation or office, with its engagement.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":     resolve(nonNull(gql.ID), func(s stakeholders.Stakeholder) any { return s.ID.String() }),
		"name":   resolve(nonNull(gql.String), func(s stakeholders.Stakeholder) any { return s.Profile.Name }),
		"type":   resolve(nonNull(b.enums["StakeholderType"]), func(s stakeholders.Stakeholder) any { return s.Profile.Type }),
		"level":  resolve(nonNull(b.enums["StakeholderLevel"]), func(s stakeholders.Stakeholder) any { return s.Profile.Level }),
		"region": resolve(gql.String, func(s stakeholders.Stakeholder) any { return nilIfEmpty(s.Profile.Region) }),
		"lastEngagedOn": {Type: dateType, Description: "The latest dialogue attended or commitment made that you may see.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return b.read.LastEngagedOn(viewerOf(p.Context), p.Source.(stakeholders.Stakeholder)), nil
			}},
	}})
}

// tokenObject shows a token without its secret.
func (b *builder) tokenObject() *gql.Object {
	return gql.NewObject(gql.ObjectConfig{Name: "Token", Description: "A bearer token, without its secret.", Fields: gql.Fields{
		"id":      resolve(nonNull(gql.ID), func(t access.Token) any { return t.ID }),
		"subject": resolve(nonNull(gql.String), func(t access.Token) any { return t.Subject }),
		"role":    resolve(nonNull(b.enums["Role"]), func(t access.Token) any { return string(t.Role) }),
		"regions": resolve(nonNull(listOf(gql.String)), func(t access.Token) any { return nonNilStrings(t.Regions) }),
		"created": resolve(nonNull(gql.String), func(t access.Token) any { return t.Created.Format(time.RFC3339) }),
		"expires": resolve(nonNull(gql.String), func(t access.Token) any { return t.Expires.Format(time.RFC3339) }),
		"revoked": resolve(gql.String, func(t access.Token) any {
			if t.Revoked == nil {
				return nil
			}
			return t.Revoked.Format(time.RFC3339)
		}),
	}})
}

// Source types of small objects, so each resolver knows what it reads.
type (
	targetsOf  struct{ Women, Youth, Disability, Displaced *float64 }
	attendeeOf struct {
		ParticipantID domain.ID
		Spoke         bool
	}
	concernOf struct{ Category, Summary string }
)

func floatOrNil(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

func intOrNil(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNilStrings(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// identity opens a participant's name and phone for a viewer allowed to
// see them; the read service audits it.
func (b *builder) identity(ctx context.Context, id domain.ID) (any, error) {
	who, ok, err := b.read.Identity(ctx, viewerOf(ctx), id)
	if err != nil || !ok {
		return nil, err
	}
	return who, nil
}
