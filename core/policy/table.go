package policy

import (
	"slices"

	"github.com/palabre/palabre/core/access"
)

// Operation is what a principal asks to do: a domain command, by its
// name (CommandName), or one of the operations below, which are not.
type Operation string

// Operations that are not domain commands.
const (
	CreateToken  Operation = "CreateToken"
	RevokeToken  Operation = "RevokeToken"
	Backup       Operation = "Backup"
	ListErasures Operation = "ListErasures"
	// ListTokens: every token's subject, role, regions and expiry, never
	// a secret.
	ListTokens   Operation = "ListTokens"
	Import       Operation = "Import"
	DownloadForm Operation = "DownloadForm"
	// ReadServerState: health and readiness in detail (the log's position,
	// the goroutines), which tell an outsider how busy the server is.
	ReadServerState Operation = "ReadServerState"
	// RemovePeer: take a node lost for good out of a cluster.
	RemovePeer Operation = "RemovePeer"
)

// Rule is what an operation takes.
type Rule struct {
	Operation  Operation
	Capability access.Capability
	// Session: a browser session may do it; else only a bearer token.
	Session bool
	// Why the session may or may not.
	Why string
}

const (
	daily      = "daily work that opens no name"
	reference  = "reference data every region reads; opens no name, and is recorded by its author"
	noSession  = "a bearer token is needed: "
	programme  = "the programme's results framework, which its managers (admins) alone define; opens no name"
	makesToken = noSession + "a token made by a seized session could read every name"
)

// rules is the write policy's table: every command and operation, its
// capability, and whether a browser session may.
var rules = []Rule{
	{"EstablishSpace", access.Administer, true, reference},
	{"ChangeSpaceDetails", access.Administer, true, reference},
	{"SetSpaceTargets", access.Administer, true, reference},
	{"CloseSpace", access.Administer, true, reference},
	{"RegisterStakeholder", access.TrackCommitments, true, reference},
	{"ChangeStakeholderDetails", access.TrackCommitments, true, reference},
	{"EnrolParticipant", access.LogDialogues, true, daily + ": the name is sealed, never shown back"},
	{"CorrectParticipant", access.LogDialogues, true, daily + ": a new name is sealed, never shown back"},
	{"EraseParticipant", access.Administer, false, noSession + "an erasure cannot be undone"},
	{"HoldDialogue", access.LogDialogues, true, daily},
	{"CorrectDialogueAttendance", access.LogDialogues, true, daily},
	{"CorrectDialogue", access.LogDialogues, true, daily},
	{"RetractDialogue", access.LogDialogues, true, daily},
	{"MakeCommitment", access.TrackCommitments, true, daily},
	{"ReportCommitmentProgress", access.TrackCommitments, true, daily},
	{"ReviseCommitmentDueDate", access.TrackCommitments, true, daily},
	{"FulfilCommitment", access.TrackCommitments, true, daily},
	{"BreakCommitment", access.TrackCommitments, true, daily},
	{"WithdrawCommitment", access.TrackCommitments, true, daily},
	{"HarvestOutcome", access.TrackCommitments, true, daily},
	{"ReviseOutcome", access.TrackCommitments, true, daily},
	{"MarkOutcomePublic", access.TrackCommitments, true, daily + "; only what is marked may ever be published, and a revision takes the mark off"},
	{"RequestSubstantiation", access.TrackCommitments, true, daily + ": the verifier's name is sealed, never shown back"},
	{"RecordSubstantiation", access.TrackCommitments, true, daily},
	{"EraseVerifier", access.Administer, false, noSession + "an erasure cannot be undone"},
	{"DefineFramework", access.Administer, true, programme},
	{"ChangeFrameworkDetails", access.Administer, true, programme},
	{"SetFrameworkOutcome", access.Administer, true, programme},
	{"SetFrameworkResult", access.Administer, true, programme},
	{"SetFrameworkIndicator", access.Administer, true, programme},
	{"RecordIndicatorValue", access.Administer, true, programme + "; its evidence is recorded with it"},
	{CreateToken, access.Administer, false, makesToken + " (a role is a token's: changing one is making a token)"},
	{RevokeToken, access.Administer, false, noSession + "a seized session could cut every other device off"},
	{Backup, access.Administer, false, noSession + "a backup holds every participant's key"},
	{ListErasures, access.Administer, false, noSession + "it tells who was erased and when; it is kept by the operator beside the master key"},
	{ListTokens, access.Administer, true, "the admin page lists them; no secret, no name"},
	{Import, access.LogDialogues, true, daily + "; each row is judged as its command"},
	{DownloadForm, access.LogDialogues, true, daily + ": the form lists what the reader may see"},
	{ReadServerState, access.Administer, true, "the server's load and positions, no record"},
	{RemovePeer, access.Administer, false, noSession + "a seized session could shrink the cluster until it lost its majority"},
}

// Rules lists the table, for documentation and tests.
func Rules() []Rule { return slices.Clone(rules) }

// ruleOf finds an operation's rule.
func ruleOf(op Operation) (Rule, bool) {
	i := slices.IndexFunc(rules, func(r Rule) bool { return r.Operation == op })
	if i < 0 {
		return Rule{}, false
	}
	return rules[i], true
}
