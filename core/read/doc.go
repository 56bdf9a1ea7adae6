// Package read is the read side beneath every transport: it takes a
// viewer (a principal, and the log its reads are audited to) and returns
// objects already scoped to what the viewer may see, figures already
// released (perturbed or suppressed), and identities only with an audit
// record. The GraphQL resolvers and the exports only map its results, so
// a rule about who sees what lives here once.
//
// Where the rules live, once each:
//   - scope.go: what a viewer may see of each kind of object, by region.
//     Reads and the write policy (Sees, RegionOf: core/policy) both go
//     through it, so another region's object answers exactly as a missing
//     one.
//   - figures.go (release): what a role without access to identities may
//     see of figures: cell-key perturbation or suppression, then the
//     small-count threshold, across views, tables and dialogues.
package read
