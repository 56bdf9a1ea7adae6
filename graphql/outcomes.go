package graphql

import (
	"context"

	gql "github.com/graphql-go/graphql"

	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/outcome"
	"github.com/palabre/palabre/events/keystore"
	"github.com/palabre/palabre/projections/commitments"
	"github.com/palabre/palabre/projections/inclusion"
	"github.com/palabre/palabre/projections/outcomes"
	"github.com/palabre/palabre/projections/stakeholders"
)

// Outcomes: the Outcome type, its queries, and its commands' inputs. The
// verifier's identity is a field the read service opens (and audits) for
// whom it may, like a participant's.

// substantiationOf is a substantiation request with its outcome, whose region
// decides who may open the verifier.
type substantiationOf struct {
	outcome outcomes.Outcome
	outcomes.Request
}

// evidenceOf is one piece of evidence as a reader may see it.
type evidenceOf struct{ outcome.Evidence }

func (b *builder) outcomeObject() *gql.Object {
	e := b.enums
	verifier := gql.NewObject(gql.ObjectConfig{Name: "Verifier", Description: "[identity] Who substantiates an outcome. Shown only to facilitators of the outcome's region and to admins, with a token; every read is audited.", Fields: gql.Fields{
		"name":         tagged(resolve(nonNull(gql.String), func(i keystore.Identity) any { return i.Name }), "The verifier's name."),
		"phone":        tagged(resolve(gql.String, func(i keystore.Identity) any { return nilIfEmpty(i.Phone) }), "The verifier's phone number."),
		"organisation": tagged(resolve(gql.String, func(i keystore.Identity) any { return nilIfEmpty(i.Organisation) }), "The verifier's organisation."),
	}})
	answer := gql.NewObject(gql.ObjectConfig{Name: "SubstantiationAnswer", Description: "A verifier's answer.", Fields: gql.Fields{
		"on":      resolve(nonNull(dateType), func(a outcomes.Answer) any { return a.On }),
		"verdict": resolve(nonNull(e["Verdict"]), func(a outcomes.Answer) any { return a.Verdict }),
		"comment": resolve(gql.String, func(a outcomes.Answer) any { return nilIfEmpty(a.Comment) }),
	}})
	request := gql.NewObject(gql.ObjectConfig{Name: "SubstantiationRequest", Description: "A request to a verifier, and their answer.", Fields: gql.Fields{
		"id":          resolve(nonNull(gql.ID), func(r substantiationOf) any { return r.ID.String() }),
		"requestedOn": resolve(nonNull(dateType), func(r substantiationOf) any { return r.RequestedOn }),
		"erased":      resolve(nonNull(gql.Boolean), func(r substantiationOf) any { return r.Erased }),
		"answer": resolve(answer, func(r substantiationOf) any {
			if r.Answer == nil {
				return nil
			}
			return *r.Answer
		}),
		"verifier": {Type: verifier, Description: identityTag + "The verifier's name, phone and organisation; null once erased. Every read is audited.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				r := p.Source.(substantiationOf)
				who, ok, err := b.read.VerifierIdentity(p.Context, viewerOf(p.Context), r.outcome, r.ID)
				if err != nil || !ok {
					return nil, err
				}
				return who, nil
			}},
	}})
	evidence := gql.NewObject(gql.ObjectConfig{Name: "OutcomeEvidence", Description: "A dialogue, a commitment or a commitment's progress report an outcome cites.", Fields: gql.Fields{
		"kind":       resolve(nonNull(e["EvidenceKind"]), func(v evidenceOf) any { return v.Kind }),
		"id":         resolve(nonNull(gql.ID), func(v evidenceOf) any { return v.ID.String() }),
		"report":     resolve(gql.Int, func(v evidenceOf) any { return intOrNil(v.Report) }),
		"dialogue":   b.evidenceLink(b.dialogue, outcome.KindDialogue, b.getDialogue),
		"commitment": b.evidenceLink(b.commitmentT, "", b.getCommitment),
	}})
	return gql.NewObject(gql.ObjectConfig{Name: "Outcome", Description: "An outcome harvested: a change in a social actor's behaviour, with its evidence and substantiation.", Interfaces: []*gql.Interface{b.node}, Fields: gql.Fields{
		"id":                 resolve(nonNull(gql.ID), func(o outcomes.Outcome) any { return o.ID.String() }),
		"actorId":            resolve(nonNull(gql.ID), func(o outcomes.Outcome) any { return o.ActorID.String() }),
		"actor":              {Type: b.stakeholder, Description: "The social actor who changed; null when you may not see it.", Resolve: related(func(o outcomes.Outcome) *domain.ID { return &o.ActorID }, b.getStakeholder)},
		"changeType":         resolve(nonNull(e["ChangeType"]), func(o outcomes.Outcome) any { return o.ChangeType }),
		"on":                 resolve(nonNull(dateType), func(o outcomes.Outcome) any { return o.On }),
		"region":             resolve(nonNull(gql.String), func(o outcomes.Outcome) any { return o.Region }),
		"locality":           {Type: gql.String, Description: "Private: never published, only the region is.", Resolve: fieldOf2(func(o outcomes.Outcome) any { return nilIfEmpty(o.Locality) })},
		"description":        resolve(nonNull(gql.String), func(o outcomes.Outcome) any { return o.Description }),
		"significance":       resolve(nonNull(gql.String), func(o outcomes.Outcome) any { return o.Significance }),
		"contribution":       resolve(nonNull(gql.String), func(o outcomes.Outcome) any { return o.Contribution }),
		"othersContribution": resolve(gql.String, func(o outcomes.Outcome) any { return nilIfEmpty(o.OthersContribution) }),
		"intended":           resolve(nonNull(gql.Boolean), func(o outcomes.Outcome) any { return o.Intended }),
		"tags":               resolve(nonNull(listOf(gql.String)), func(o outcomes.Outcome) any { return nonNilStrings(o.Tags) }),
		"public":             {Type: nonNull(gql.Boolean), Description: "Whether it may be published; only marked outcomes ever are, and a revision takes the mark off.", Resolve: fieldOf2(func(o outcomes.Outcome) any { return o.Public })},
		"substantiation":     resolve(nonNull(e["SubstantiationState"]), func(o outcomes.Outcome) any { return o.State() }),
		"evidence": {Type: nonNull(listOf(evidence)), Description: "What it cites that you may see.", Resolve: func(p gql.ResolveParams) (any, error) {
			var out []evidenceOf
			for _, ev := range b.read.OutcomeEvidence(viewerOf(p.Context), p.Source.(outcomes.Outcome)) {
				out = append(out, evidenceOf{ev})
			}
			return nonNilList(out), nil
		}},
		"requests": resolve(nonNull(listOf(request)), func(o outcomes.Outcome) any {
			out := []substantiationOf{}
			for _, r := range o.Requests {
				out = append(out, substantiationOf{o, r})
			}
			return out
		}),
	}})
}

// evidenceLink resolves the object a piece of evidence names, when it is
// of the kind ("" for a commitment or its report); null when the reader
// may not see it.
func (b *builder) evidenceLink(typ *gql.Object, kind string, get func(context.Context, domain.ID) (any, error)) *gql.Field {
	return &gql.Field{Type: typ, Resolve: related(func(ev evidenceOf) *domain.ID {
		if (kind == outcome.KindDialogue) != (ev.Kind == outcome.KindDialogue) {
			return nil
		}
		return &ev.ID
	}, get)}
}

// outcomeRelations are the outcomes of an actor, and those citing a
// dialogue or a commitment: the Query's list with the object's id.
func (b *builder) outcomeRelations(queries gql.Fields) {
	b.stakeholder.AddFieldConfig("outcomes", scoped(queries["outcomes"], "actorId", func(src any) string { return src.(stakeholders.Stakeholder).ID.String() }))
	b.commitmentT.AddFieldConfig("outcomes", scoped(queries["outcomes"], "cites", func(src any) string { return src.(commitments.Commitment).ID.String() }))
	b.dialogue.AddFieldConfig("outcomes", scoped(queries["outcomes"], "cites", func(src any) string { return src.(inclusion.DialogueRow).Dialogue.ID.String() }))
}

func nonNilList[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func (b *builder) getOutcome(ctx context.Context, id domain.ID) (any, error) {
	return anyOf(b.read.Outcome(viewerOf(ctx), id))
}

// outcomeQueries are the Query's outcome fields.
func (b *builder) outcomeQueries() gql.Fields {
	idArg := gql.FieldConfigArgument{"id": {Type: nonNull(gql.ID)}}
	args := gql.FieldConfigArgument{"region": {Type: gql.String}, "changeType": {Type: b.enums["ChangeType"]}, "tag": {Type: gql.String, Description: "A tag, case aside."},
		"actorId": {Type: gql.ID, Description: "The social actor's stakeholder id."}, "cites": {Type: gql.ID, Description: "A dialogue or commitment the outcomes cite."}}
	return gql.Fields{
		"outcome": {Type: b.outcomeT, Args: idArg, Resolve: b.byID(b.getOutcome)},
		"outcomes": {Type: nonNull(b.connection(b.outcomeT)), Args: mergeArgs(connectionArgs, args), Description: "Outcomes you may see, the latest change first.",
			Resolve: listOfItems(b.cursors, func(o outcomes.Outcome) domain.ID { return o.ID }, func(p gql.ResolveParams) ([]outcomes.Outcome, error) {
				q := read.OutcomeQuery{}
				var err error
				if q.ActorID, err = optionalID(p.Args, "actorId"); err != nil {
					return nil, err
				}
				if q.Cites, err = optionalID(p.Args, "cites"); err != nil {
					return nil, err
				}
				q.Region, _ = p.Args["region"].(string)
				q.ChangeType, _ = p.Args["changeType"].(string)
				q.Tag, _ = p.Args["tag"].(string)
				return b.read.Outcomes(viewerOf(p.Context), q)
			})},
	}
}

// outcomeInputs are the inputs of the outcome's commands.
func (b *builder) outcomeInputs() map[string]commandInput {
	e := b.enums
	date, id, text := gql.Input(dateType), gql.Input(gql.ID), gql.Input(gql.String)
	evidence := inputObject("EvidenceInput", "A piece of the log an outcome cites.",
		inputField{"kind", required(e["EvidenceKind"]), "", nil}, inputField{"id", required(id), "The dialogue's or the commitment's id.", nil},
		inputField{"report", gql.Int, "For a progress report: its rank among the commitment's reports, 1 for the first.", nil})
	record := inputObject("HarvestedOutcomeInput", "An outcome as harvested or revised.",
		inputField{"actorId", required(id), "The social actor who changed: a registered stakeholder.", nil},
		inputField{"changeType", required(e["ChangeType"]), "", nil}, inputField{"on", required(date), "When the change happened.", nil},
		inputField{"region", required(text), "A region: its code, or its name or a label, recorded as its code; the only place ever published.", nil},
		inputField{"locality", text, "The commune or village; private.", nil},
		inputField{"description", required(text), "What changed, who did what differently.", nil},
		inputField{"significance", required(text), "Why it matters.", nil},
		inputField{"contribution", required(text), "What the alliance did towards it.", nil},
		inputField{"othersContribution", text, "What others did towards it.", nil},
		inputField{"intended", gql.Boolean, "Whether the alliance sought it.", false},
		inputField{"tags", listOfIn(text), "Tags for clusters of outcomes.", nil},
		inputField{"evidence", listOfIn(evidence), "", nil})
	decodeRecord := func(r inputValues) outcome.Record {
		rec := outcome.Record{ActorID: r.id("actorId"), ChangeType: r.str("changeType"), On: r.date("on"), Region: r.str("region"),
			Locality: r.str("locality"), Description: r.str("description"), Significance: r.str("significance"), Contribution: r.str("contribution"),
			OthersContribution: r.str("othersContribution"), Intended: r.flag("intended"), Tags: r.strs("tags")}
		for _, ev := range r.objects("evidence") {
			rec.Evidence = append(rec.Evidence, outcome.Evidence{Kind: ev.str("kind"), ID: ev.id("id"), Report: ev.integer("report")})
		}
		return rec
	}
	verifier := inputObject("VerifierInput", "A verifier's name, phone and organisation, sealed before they are stored: in clear, or sealed by the client to the server's device key for this request (sealed, as IdentityInput.sealed, with organisation in the JSON), one or the other.",
		inputField{"name", text, "", nil}, inputField{"phone", text, "", nil}, inputField{"organisation", text, "", nil}, inputField{"sealed", text, "", nil})
	return map[string]commandInput{
		"harvestOutcome": {record, func(r inputValues) any { return outcome.Harvest{Record: decodeRecord(r)} }},
		"reviseOutcome":  {record, func(r inputValues) any { return outcome.Revise{Record: decodeRecord(r)} }},
		"markOutcomePublic": {inputObject("MarkOutcomePublicInput", "Whether an outcome may be published.", inputField{"public", required(gql.Boolean), "", nil}),
			func(r inputValues) any { return outcome.MarkPublic{Public: r.flag("public")} }},
		"requestSubstantiation": {inputObject("RequestSubstantiationInput", "A request to a verifier.",
			inputField{"requestId", required(id), "A ULID the client makes for the request.", nil}, inputField{"requestedOn", required(date), "", nil},
			inputField{"verifier", required(verifier), "", nil}),
			func(r inputValues) any {
				return outcome.RequestSubstantiation{RequestID: r.id("requestId"), RequestedOn: r.date("requestedOn")}
			}},
		"recordSubstantiation": {inputObject("RecordSubstantiationInput", "A verifier's answer.",
			inputField{"requestId", required(id), "", nil}, inputField{"answeredOn", required(date), "", nil},
			inputField{"verdict", required(e["Verdict"]), "", nil}, inputField{"comment", text, "", nil}),
			func(r inputValues) any {
				return outcome.RecordSubstantiation{RequestID: r.id("requestId"), AnsweredOn: r.date("answeredOn"), Verdict: r.str("verdict"), Comment: r.str("comment")}
			}},
		"eraseVerifier": {inputObject("EraseVerifierInput", "A verifier's erasure.", inputField{"requestId", required(id), "", nil}, inputField{"erasedOn", required(date), "", nil}),
			func(r inputValues) any {
				return outcome.EraseVerifier{RequestID: r.id("requestId"), ErasedOn: r.date("erasedOn")}
			}},
	}
}
