package graphql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	gql "github.com/graphql-go/graphql"
	"github.com/oklog/ulid/v2"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/policy"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections"
)

// command describes one mutation: a domain command sent with a command
// id, so that a retry is safe, answered with the object as the read models
// hold it once they have seen the write. Who may send it, and where, is
// the write policy's (core/policy): this is only its GraphQL rendering.
type command struct {
	name, description string
	// create: the command id is the new aggregate's id; otherwise the
	// mutation takes the aggregate's id.
	create bool
	// identity: whether the mutation takes a participant's name and phone
	// (identityRequired, identityOptional) or not ("").
	identity string
	returns  func(b *builder) *gql.Object
	read     func(b *builder, ctx context.Context, id domain.ID) (any, error)
}

const (
	identityRequired = "required"
	identityOptional = "optional"
	// identityOfVerifier: the input's verifier is sealed as an identity.
	identityOfVerifier = "verifier"
)

var (
	returnsSpace       = func(b *builder) *gql.Object { return b.space }
	returnsStakeholder = func(b *builder) *gql.Object { return b.stakeholder }
	returnsParticipant = func(b *builder) *gql.Object { return b.participant }
	returnsDialogue    = func(b *builder) *gql.Object { return b.dialogue }
	returnsCommitment  = func(b *builder) *gql.Object { return b.commitmentT }
	returnsOutcome     = func(b *builder) *gql.Object { return b.outcomeT }
	returnsFramework   = func(b *builder) *gql.Object { return b.frameworks.framework }
)

func (b *builder) commandList() []command {
	of := func(returns func(*builder) *gql.Object, read func(*builder, context.Context, domain.ID) (any, error)) func(name, desc string, create bool) command {
		return func(name, desc string, create bool) command {
			return command{name: name, description: desc, create: create, returns: returns, read: read}
		}
	}
	spaceCmd := of(returnsSpace, (*builder).getSpace)
	holderCmd := of(returnsStakeholder, (*builder).getStakeholder)
	participantCmd := of(returnsParticipant, (*builder).getParticipant)
	dialogueCmd := of(returnsDialogue, (*builder).getDialogue)
	commitmentCmd := of(returnsCommitment, (*builder).getCommitment)
	outcomeCmd := of(returnsOutcome, (*builder).getOutcome)
	request := outcomeCmd("requestSubstantiation", "Ask a verifier to substantiate an outcome; their name, phone and organisation are sealed under a key of the request's own.", false)
	request.identity = identityOfVerifier
	frameworkCmd := of(returnsFramework, (*builder).getFramework)
	enrol := participantCmd("enrolParticipant", "Enrol a participant; name and phone are sealed under the participant's own key.", true)
	enrol.identity = identityRequired
	correct := participantCmd("correctParticipant", "Correct a participant's profile, and their name and phone when identity is given.", false)
	correct.identity = identityOptional
	return []command{
		spaceCmd("establishSpace", "Establish a consultative space.", true),
		spaceCmd("changeSpaceDetails", "Change a space's name, kind, region, locality, pillar or convenor.", false),
		spaceCmd("setSpaceTargets", "Set a space's inclusion targets.", false),
		spaceCmd("closeSpace", "Close a space.", false),
		holderCmd("registerStakeholder", "Register a stakeholder.", true),
		holderCmd("changeStakeholderDetails", "Change a stakeholder's details.", false),
		enrol,
		correct,
		participantCmd("eraseParticipant", "Erase a participant: their key is destroyed, so their name and phone cannot be opened from the log, its copies or later backups; the attendance stays, anonymous. A backup made before still holds the key: restore it with palabre restore --erase-since (see palabre erasures).", false),
		dialogueCmd("holdDialogue", "Log a dialogue held, with its attendance.", true),
		dialogueCmd("correctDialogueAttendance", "Replace a dialogue's attendance.", false),
		dialogueCmd("retractDialogue", "Retract a dialogue logged in error.", false),
		commitmentCmd("makeCommitment", "Record a commitment made by a stakeholder.", true),
		commitmentCmd("reportCommitmentProgress", "Report progress on a commitment.", false),
		commitmentCmd("reviseCommitmentDueDate", "Revise a commitment's due date.", false),
		commitmentCmd("fulfilCommitment", "Record a commitment fulfilled.", false),
		commitmentCmd("breakCommitment", "Record a commitment broken.", false),
		commitmentCmd("withdrawCommitment", "Record a commitment withdrawn.", false),
		outcomeCmd("harvestOutcome", "Record an outcome harvested, with its evidence in the log.", true),
		outcomeCmd("reviseOutcome", "Revise an outcome; its public mark is taken off.", false),
		outcomeCmd("markOutcomePublic", "Mark whether an outcome may be published.", false),
		request,
		outcomeCmd("recordSubstantiation", "Record a verifier's answer.", false),
		outcomeCmd("eraseVerifier", "Erase a verifier: their key is destroyed, so their name, phone and organisation cannot be opened again; the answer stays.", false),
		frameworkCmd("defineFramework", "Define a programme's results framework (admins).", true),
		frameworkCmd("changeFrameworkDetails", "Change the programme a framework reports on.", false),
		frameworkCmd("setFrameworkOutcome", "Set a programme outcome, by its key.", false),
		frameworkCmd("setFrameworkResult", "Set a result of an outcome, by its key.", false),
		frameworkCmd("setFrameworkIndicator", "Set an indicator of a result, by its key.", false),
		frameworkCmd("recordIndicatorValue", "Record an indicator's value for a year, entered by hand with its evidence.", false),
	}
}

func (b *builder) mutations() gql.Fields {
	identityInput := gql.NewInputObject(gql.InputObjectConfig{Name: "IdentityInput", Description: "A participant's name and phone, sealed before they are stored: in clear (name, phone) or sealed by the client to the server's device key (sealed), one or the other.",
		Fields: gql.InputObjectConfigFieldMap{"name": {Type: gql.String}, "phone": {Type: gql.String},
			"sealed": {Type: gql.String, Description: "The name and phone ({\"name\":…,\"phone\":…} in JSON) sealed to Query.deviceKey for this command: p256b.<key id>.<ephemeral P-256 point>.<AES-GCM nonce>.<ciphertext>, base64url without padding; the AES-256-GCM key is HKDF-SHA-256 of the ECDH secret, salted with the ephemeral then the device key's point, info \"palabre identity v2\"; the additional data is its lines joined by \"\\n\": p256b, the key id, the command's name (EnrolParticipant, CorrectParticipant, RequestSubstantiation), the record's ids in upper case (the participant's: an enrolment's commandId, a correction's id; for a verifier the outcome's id then the requestId), and the region the input names (\"\" for a verifier). Sealed for another command it does not open. Envelopes of the old scheme (p256.…, additional data \"p256.<key id>\") are opened until a date the refusal names, each for one command only."}}})
	fields := gql.Fields{}
	inputs := b.commandInputs()
	for _, c := range b.commandList() {
		in := inputs[c.name]
		args := gql.FieldConfigArgument{
			"commandId": {Type: nonNull(gql.ID), Description: "A ULID the client makes once per command and sends again on retry; a retry returns the first result."},
			"input":     {Type: nonNull(in.typ)},
		}
		if !c.create {
			args["id"] = &gql.ArgumentConfig{Type: nonNull(gql.ID)}
		}
		switch c.identity {
		case identityRequired:
			args["identity"] = &gql.ArgumentConfig{Type: nonNull(identityInput)}
		case identityOptional:
			args["identity"] = &gql.ArgumentConfig{Type: identityInput, Description: "Given only to replace the name and phone."}
		}
		fields[c.name] = &gql.Field{Type: nonNull(c.returns(b)), Description: c.description, Args: args, Resolve: b.mutate(c, in.decode)}
	}
	tokenCreated := gql.NewObject(gql.ObjectConfig{Name: "TokenCreated", Fields: gql.Fields{
		"token":  resolve(nonNull(b.token), func(t tokenCreated) any { return t.token }),
		"secret": resolve(nonNull(gql.String), func(t tokenCreated) any { return t.secret }),
	}})
	commandID := &gql.ArgumentConfig{Type: nonNull(gql.ID), Description: "A ULID the client makes once per command and sends again on retry; a retry returns the first result."}
	fields["createToken"] = &gql.Field{Type: nonNull(tokenCreated), Description: fmt.Sprintf("Create a token; its secret, random, is shown here, and again to a retry with the same commandId within %d minutes (kept in memory only); a later retry answers CONFLICT: revoke the token and make another.", int(access.RetryWindow.Minutes())),
		Args: gql.FieldConfigArgument{"commandId": commandID, "role": {Type: nonNull(b.enums["Role"])}, "regions": {Type: gql.NewList(nonNull(gql.String))},
			"subject": {Type: gql.String}, "expiresInDays": {Type: gql.Int, DefaultValue: 90}},
		Resolve: b.createToken}
	fields["revokeToken"] = &gql.Field{Type: nonNull(b.token), Description: "Revoke a token; it fails from the next request on.",
		Args: gql.FieldConfigArgument{"commandId": commandID, "id": {Type: nonNull(gql.ID)}},
		Resolve: func(p gql.ResolveParams) (any, error) {
			id, _ := p.Args["id"].(string)
			if err := b.allow(p.Context, policy.RevokeToken); err != nil {
				b.audit(p.Context, "revokeToken", id, codeOf(err))
				return nil, err
			}
			if _, err := parseID("commandId", p.Args["commandId"]); err != nil {
				return nil, err
			}
			tok, err := b.deps.Tokens.Revoke(p.Context, id)
			if errors.Is(err, access.ErrNoToken) {
				return nil, errNotFound
			}
			if u, ok := unavailable(err); ok {
				return nil, u // the engine sharing tokens cannot be reached: nothing revoked
			}
			if err != nil {
				requestOf(p.Context).log.Error().Err(err).Msg("revoking a token failed")
				return nil, errInternal
			}
			b.audit(p.Context, "revokeToken", id, "ok")
			return tok, nil
		}}
	return fields
}

type tokenCreated struct {
	token  access.Token
	secret string
}

func (b *builder) createToken(p gql.ResolveParams) (any, error) {
	if err := b.allow(p.Context, policy.CreateToken); err != nil {
		b.audit(p.Context, "createToken", "", codeOf(err))
		return nil, err
	}
	commandID, err := parseID("commandId", p.Args["commandId"])
	if err != nil {
		return nil, err
	}
	n := access.NewToken{Role: access.Role(fmt.Sprint(p.Args["role"])), CommandID: commandID.String()}
	n.Subject, _ = p.Args["subject"].(string)
	if days, ok := p.Args["expiresInDays"].(int); ok {
		n.TTL = dayDuration(days)
	}
	if regions, ok := p.Args["regions"].([]any); ok {
		for _, r := range regions {
			n.Regions = append(n.Regions, fmt.Sprint(r))
		}
	}
	tok, secret, err := b.deps.Tokens.Create(p.Context, n)
	if problems := (*domain.Problems)(nil); errors.As(err, &problems) {
		return nil, refusalAt("", tokenArguments(*problems), requestOf(p.Context).language)
	}
	if errors.Is(err, access.ErrCommandIDReused) {
		return nil, refusalIn(requestOf(p.Context).language, CodeConflict, "commandId", "this commandId was already used for a different command; make a new one")
	}
	if errors.Is(err, access.ErrTokenExists) {
		return nil, &coded{Code: CodeConflict, Field: "commandId", Message: tokenExists(tok.ID, requestOf(p.Context).language)}
	}
	if u, ok := unavailable(err); ok {
		return nil, u
	}
	if err != nil {
		requestOf(p.Context).log.Error().Err(err).Msg("creating a token failed")
		return nil, errInternal
	}
	b.audit(p.Context, "createToken", tok.ID, "ok")
	return tokenCreated{tok, secret}, nil
}

// tokenArguments are a new token's problems (access.NewToken.Check, which
// names the command line's flags) named by createToken's arguments.
func tokenArguments(problems domain.Problems) domain.Problems {
	out := slices.Clone(problems)
	for i, p := range out {
		out[i].Field = map[string]string{"region": "regions", "expires": "expiresInDays"}[p.Field]
		if out[i].Field == "" {
			out[i].Field = p.Field
		}
	}
	return out
}

// tokenExists tells a retry that came too late for the secret what to do.
func tokenExists(id, language string) string {
	if language == "fr" {
		return fmt.Sprintf("ce jeton existe déjà (%s) et son secret a été montré une fois, il y a plus de %d minutes : révoquez-le et créez-en un autre", id, int(access.RetryWindow.Minutes()))
	}
	return fmt.Sprintf("this token already exists (%s) and its secret was shown once, more than %d minutes ago: revoke it and make another", id, int(access.RetryWindow.Minutes()))
}

// mutate runs a command: capability, arguments, scope, execution,
// read-your-writes. Every outcome is audited, refusals too, so that
// probing another region shows in the log.
func (b *builder) mutate(c command, decode func(inputValues) any) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		ctx := p.Context
		id, pos, err := b.send(c, decode, p)
		if err != nil {
			b.audit(ctx, c.name, objectOf(id), codeOf(err))
			return nil, err
		}
		b.audit(ctx, c.name, id.String(), "ok")
		if err := b.deps.Runner.WaitFor(ctx, pos); err != nil {
			return nil, b.notReadBack(ctx, err)
		}
		return c.read(b, ctx, id)
	}
}

// notReadBack answers a write that is saved but that the read models have
// not reached: they are reconnecting to the log (UNAVAILABLE: the same
// commandId returns the object once they are back), the request ran out
// of time, or a read model failed.
func (b *builder) notReadBack(ctx context.Context, err error) error {
	log := requestOf(ctx).log
	switch {
	case errors.Is(err, projections.ErrNotFollowing):
		log.Warn().Err(err).Msg("a write saved but not read back: the read models are reconnecting")
		return &coded{Code: CodeUnavailable, RetryAfter: 5, Message: "saved, but the read models are reconnecting to the event store: send the same commandId again shortly to read it back"}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return errTimeout
	}
	log.Error().Err(err).Msg("read models did not reach the write")
	return errInternal
}

// send reads a mutation's arguments and sends its command through the
// write policy, returning the id of its object (zero when it could not be
// read) and the position of its last event.
func (b *builder) send(c command, decode func(inputValues) any, p gql.ResolveParams) (domain.ID, events.Position, error) {
	ctx := p.Context
	commandID, err := parseID("commandId", p.Args["commandId"])
	if err != nil {
		return domain.ID{}, events.Position{}, err
	}
	id := commandID
	if !c.create {
		if id, err = parseID("id", p.Args["id"]); err != nil {
			return domain.ID{}, events.Position{}, err
		}
	}
	in := newInputValues("input", p.Args["input"])
	cmd := decode(in).(domain.Command)
	if err := b.allow(ctx, policy.Operation(cmd.CommandName())); err != nil {
		return id, events.Position{}, err // before the input: a role that may not is told so first
	}
	if *in.problem != nil {
		return id, events.Position{}, *in.problem
	}
	identity, sealed, err := b.identityOf(c, p, in, id, cmd)
	if err != nil {
		return id, events.Position{}, b.commandError(ctx, err)
	}
	meta := commands.Meta{CommandID: ulid.ULID(commandID)}
	if sealed != nil {
		res, err := b.sendSealed(ctx, id, cmd, meta, *sealed)
		return id, res.Position, err
	}
	res, err := b.policy.Send(ctx, principalOf(ctx), id, cmd, meta, identity)
	if err != nil {
		return id, res.Position, b.commandError(ctx, err)
	}
	return id, res.Position, nil
}

// identityOf is the identity a mutation was given in clear (nil: none),
// or sealed by a device, for the core to open.
func (b *builder) identityOf(c command, p gql.ResolveParams, in inputValues, id domain.ID, cmd domain.Command) (*keystore.Identity, *policy.Sealed, error) {
	var who keystore.Identity
	var sealed *policy.Sealed
	var err error
	switch {
	case c.identity == identityOfVerifier:
		who, sealed, err = verifierArg(in.object("verifier"))
	case c.identity != "":
		var given bool
		if who, sealed, given, err = identityArg(p); !given {
			return nil, nil, err
		}
	default:
		return nil, nil, nil
	}
	if err != nil || sealed != nil {
		return nil, sealed, err
	}
	return &who, nil, nil
}

// newPolicy makes the write policy over the API's handler and read
// service; an import waits for the runner between its writes.
func newPolicy(deps Deps, svc *read.Service) *policy.Policy {
	cfg := policy.Config{Handler: deps.Handler, Read: svc, Envelopes: deps.Envelopes}
	if deps.Runner != nil {
		cfg.Wait = deps.Runner.WaitFor
	}
	return policy.New(cfg)
}

// allow applies the write policy's table to an operation of the request's
// principal.
func (b *builder) allow(ctx context.Context, op policy.Operation) error {
	if err := b.policy.Allow(principalOf(ctx), op); err != nil {
		return b.commandError(ctx, err)
	}
	return nil
}

func objectOf(id domain.ID) string {
	if id == (domain.ID{}) {
		return ""
	}
	return id.String()
}

// commandError turns a handler's error into one a client may read.
func (b *builder) commandError(ctx context.Context, err error) error {
	var problems *domain.Problems
	var c *coded
	var refused *policy.Forbidden
	var identity *identityRefusal
	switch {
	case errors.As(err, &c):
		return c
	case errors.As(err, &identity):
		return refusalAt("", identity.problems, requestOf(ctx).language)
	case errors.As(err, &refused):
		return forbiddenBy(refused, requestOf(ctx).language)
	case errors.As(err, &problems) && len(*problems) > 0:
		return refusal(*problems, requestOf(ctx).language)
	case errors.Is(err, commands.ErrCommandIDReused):
		return refusalIn(requestOf(ctx).language, CodeConflict, "commandId", "this commandId was already used for a different command; make a new one")
	case errors.Is(err, commands.ErrConflict):
		return refusalIn(requestOf(ctx).language, CodeConflict, "", "the object kept changing while this command was applied; try again with the same commandId")
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return errTimeout
	}
	if u, ok := unavailable(err); ok {
		requestOf(ctx).log.Warn().Err(err).Msg("command refused: the event store is unavailable")
		return u
	}
	requestOf(ctx).log.Error().Err(err).Msg("command failed")
	return errInternal
}

// forbiddenBy says the write policy's refusal. A session's names the
// field authorization: the role may, with its token itself as a bearer,
// which the web app asks for and sends for that one request.
func forbiddenBy(refused *policy.Forbidden, language string) *coded {
	c := &coded{Code: CodeForbidden, Message: refused.In(language)}
	if refused.Session {
		c.Field = "authorization"
	}
	return c
}

// audit records a mutation: who, what, on which object, how it ended —
// never the input, which may hold a name.
func (b *builder) audit(ctx context.Context, mutation, object, outcome string) {
	req := requestOf(ctx)
	if outcome == "" {
		outcome = "error"
	}
	req.log.Info().Str("audit", "mutation").Str("mutation", mutation).Str("object", object).Str("outcome", outcome).
		Str("subject", req.principal.Subject).Str("token", req.principal.TokenID).Msg("audit")
}

// identityArg is the identity a mutation was given: in clear, checked
// here, or sealed by a device for this command, checked once the core
// opens it.
func identityArg(p gql.ResolveParams) (who keystore.Identity, sealed *policy.Sealed, given bool, err error) {
	m, ok := p.Args["identity"].(map[string]any)
	if !ok {
		return who, nil, false, nil
	}
	who.Name, _ = m["name"].(string)
	who.Phone, _ = m["phone"].(string)
	if envelope, _ := m["sealed"].(string); envelope != "" {
		if who.Name != "" || who.Phone != "" {
			return who, nil, true, badInput("identity.sealed", "give the name and phone sealed or in clear, not both")
		}
		return who, &policy.Sealed{Field: "identity.sealed", Envelope: envelope, Check: checkIdentity}, true, nil
	}
	return who, nil, true, checkIdentity(who)
}

// checkIdentity: the API's enrolment and correction take a name.
func checkIdentity(who keystore.Identity) error {
	var problems *domain.Problems
	if err := commands.CheckIdentity(who, "identity.", true); errors.As(err, &problems) {
		return &identityRefusal{*problems}
	}
	return nil
}

// identityRefusal is a refused identity argument, typed or sealed: its
// problems name fields of the mutation's identity argument, not of its
// input.
type identityRefusal struct{ problems domain.Problems }

func (e *identityRefusal) Error() string { return e.problems.Err().Error() }

// verifierArg is a verifier's identity in clear, or sealed by a device for
// this request; its lengths are the core's to check.
func verifierArg(in inputValues) (keystore.Identity, *policy.Sealed, error) {
	who := keystore.Identity{Name: in.str("name"), Phone: in.str("phone"), Organisation: in.str("organisation")}
	envelope := in.str("sealed")
	if envelope == "" {
		return who, nil, nil
	}
	if who != (keystore.Identity{}) {
		return who, nil, badInput("input.verifier.sealed", "give the verifier sealed or in clear, not both")
	}
	return who, &policy.Sealed{Field: "input.verifier.sealed", Envelope: envelope}, nil
}

func dayDuration(days int) time.Duration { return time.Duration(days) * 24 * time.Hour }

// sendSealed sends a command whose identity a device sealed to the
// server's device key (policy.SendSealed); an envelope that does not open
// is refused on its field. An envelope of the old, unbound scheme is
// logged: it is accepted only for a while, for one command
// (keystore.Envelopes).
func (b *builder) sendSealed(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, sealed policy.Sealed) (commands.Result[domain.Event], error) {
	res, old, err := b.policy.SendSealed(ctx, principalOf(ctx), id, cmd, meta, sealed)
	if old {
		requestOf(ctx).log.Warn().Str("command", cmd.CommandName()).Str("object", id.String()).Bool("refused", err != nil).
			Msg("an identity sealed by the old, unbound scheme was opened: bound to this command unless it was refused")
	}
	if errors.Is(err, policy.ErrEnvelopeKept) {
		requestOf(ctx).log.Error().Err(err).Str("command", cmd.CommandName()).Msg("an old envelope stays bound to a refused command")
	}
	var refused *policy.EnvelopeRefused
	if errors.As(err, &refused) {
		return res, refusalAt("", refused.Problems, requestOf(ctx).language)
	}
	if err != nil {
		return res, b.commandError(ctx, err)
	}
	return res, nil
}
