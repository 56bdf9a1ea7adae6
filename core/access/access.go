// Package access is who may do what through the API: roles, the principal
// a request acts for, and bearer tokens.
//
// Tokens are 256 random bits shown once; only their SHA-256 is kept, and a
// presented token is compared in constant time. Revocation and expiry
// take effect on the next request (on other nodes, within the keeper's
// MaxAge).
//
// Where they are kept is a Keeper's (keeper.go): on one machine, a file
// of the data directory (filekeeper.go); on a replicated engine shared by
// several nodes, the engine's own stream (logkeeper.go), where each
// change is appended at the revision it was decided on, so that what
// holds on one node (one token per command id, the session cap) holds
// across nodes. Every DefaultSnapshotEvery changes a snapshot of the
// tokens follows (tokensnapshot.go), so a node starts from the last one
// rather than from the first sign-in.
//
// A browser holds a session instead of its token (sessions.go): at most
// SessionLimits.PerToken per token, opened at a pace per client address
// (each node's own) and per token (kept with its sessions), and kept as a line each in a journal
// beside the token file (sessionlog.go), so that signing in never
// rewrites the tokens, or as an event of the keeper's stream.
//
// A creation retried with its command id within RetryWindow is shown the
// same secret again, from memory; after it (or a restart) it is told the
// token exists, to be revoked and made again: no secret can be made
// again from anything stored or known.
package access

import (
	"slices"
)

// Role is what a token may do.
type Role string

const (
	// Facilitator logs dialogues and enrols participants in their regions,
	// and sees those regions' participants' identities.
	Facilitator Role = "facilitator"
	// Advocacy follows commitments and stakeholders; dialogues without
	// identities.
	Advocacy Role = "advocacy"
	// Analyst reads aggregates only, with small counts suppressed.
	Analyst Role = "analyst"
	// Admin sets up spaces, stakeholders and tokens, and handles erasure.
	Admin Role = "admin"
)

// Roles lists every role.
var Roles = []Role{Facilitator, Advocacy, Analyst, Admin}

// Principal is who a request acts for.
type Principal struct {
	TokenID string
	// Subject is recorded as recordedBy on every event the request appends.
	Subject string
	Role    Role
	// Regions scope a facilitator; empty for every other role.
	Regions []string
	// Session: the request came through a browser session (the web app),
	// not a bearer token. A session never opens a name or phone: the web
	// app shows codes only, so a browser left signed in on a seized laptop
	// gives up no identity.
	Session bool
}

// InRegion reports whether the principal may see an object of a region at
// all: a facilitator sees only their regions; the other roles see all.
func (p Principal) InRegion(region string) bool {
	return p.Role != Facilitator || slices.Contains(p.Regions, region)
}

// MaySeeIdentitiesIn reports whether names and phone numbers of a region's
// participants may be shown: to facilitators of the region and admins.
func (p Principal) MaySeeIdentitiesIn(region string) bool {
	switch p.Role {
	case Admin:
		return true
	case Facilitator:
		return slices.Contains(p.Regions, region)
	}
	return false
}

// SeesSmallCounts reports whether figures may be shown unsuppressed: only
// to roles with access to identities.
func (p Principal) SeesSmallCounts() bool { return p.Role == Admin || p.Role == Facilitator }

// Can reports whether the role may use a capability.
func (p Principal) Can(c Capability) bool { return slices.Contains(capabilities[p.Role], c) }

// Capability is a family of operations.
type Capability string

const (
	ReadAggregates   Capability = "read aggregates"   // inclusion views, commitment figures
	ReadRecords      Capability = "read records"      // spaces, dialogues, commitments, stakeholders
	ReadParticipants Capability = "read participants" // pseudonymous participant records
	LogDialogues     Capability = "log dialogues"     // dialogues, enrolments, corrections
	TrackCommitments Capability = "track commitments" // commitments and their progress
	Administer       Capability = "administer"        // spaces, stakeholders, erasure, tokens
)

// In says a capability in a language ("fr" or "en"), as the verb phrase
// that ends "your token's role may not …": a refusal is said whole in its
// reader's language (domain.Problem.In asks its arguments for this).
func (c Capability) In(language string) string {
	if fr, ok := capabilityInFrench[c]; ok && language == "fr" {
		return fr
	}
	return string(c)
}

// capabilityInFrench completes "le rôle de votre jeton ne permet pas …",
// with its preposition: « de lire », « d’administrer ».
var capabilityInFrench = map[Capability]string{
	ReadAggregates:   "de lire les agrégats",
	ReadRecords:      "de lire les fiches",
	ReadParticipants: "de lire les fiches des participant·es",
	LogDialogues:     "de consigner des dialogues",
	TrackCommitments: "de suivre les engagements",
	Administer:       "d’administrer",
}

var capabilities = map[Role][]Capability{
	Facilitator: {ReadAggregates, ReadRecords, ReadParticipants, LogDialogues, TrackCommitments},
	Advocacy:    {ReadAggregates, ReadRecords, TrackCommitments},
	Analyst:     {ReadAggregates},
	Admin:       {ReadAggregates, ReadRecords, ReadParticipants, LogDialogues, TrackCommitments, Administer},
}
