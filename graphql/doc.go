// Package graphql is palabre's API: the GraphQL schema over the read
// models and the commands, built on github.com/graphql-go/graphql from
// explicit dependencies (Deps), and its HTTP server.
//
// Every answer carries the headers of proxy.go (no framing by another
// site; HSTS over HTTPS, which a trusted proxy may vouch for). Every
// request goes through, in order: the body and batch limits, the
// token (access), palabre's own limits on the parsed document (limits:
// nesting, fragment cycles, depth, aliases, fields), graphql-go's
// validation, the cost estimate against the budget (cost.go), one
// execution slot of the token's (limiter.go), and a deadline that the
// resolvers honour (TIMEOUT).
//
// Where the rules live, once each:
//   - read (the package): every read of every transport — what a viewer
//     may see of each kind of object, by region, the release of figures
//     (cell-key perturbation or suppression, across views and tables),
//     the audit of identities read. Resolvers and exports only map its
//     results; the commands' references (commands.Meta.Sees) go through
//     its rules too, so another region's object answers exactly as a
//     missing one.
//   - core/policy: every write's capability, session and region rule,
//     for mutations, tokens, uploads, forms and admin files alike.
//     mutations.go (mutate) only reads the arguments, sends the command
//     through it, writes the audit record (refusals too; code and object,
//     never input values) and reads the object back (read-your-writes).
//
// # Caveats
//
//   - graphql-go returns maps: fields come back in alphabetical order.
//   - A cursor is an id signed with a key derived from the master key; it
//     stays valid across restarts but not across a new master key.
package graphql
