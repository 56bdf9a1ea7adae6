// Package policy is palabre's write policy: the one call every door makes
// to write (GraphQL's mutations and tokens, the HTTP uploads, forms and
// admin files, the command line's import), taking the principal (role,
// regions, browser session or bearer token).
//
// Send judges a domain command, then runs it through events/commands:
//
//  1. The table (table.go): the command's capability, and whether a
//     browser session may send it. Allow applies the same table to the
//     operations that are not domain commands (tokens, backups, erasure
//     lists, imports, forms, the server's state).
//  2. The region rule, for senders scoped to regions (facilitators):
//     every object the command acts on or refers to must be visible to the
//     sender, and what is not is answered exactly as a missing one — the
//     object acted on is decided as on an object that does not exist
//     (commands.DecideMissing), a reference is decided as missing by the
//     handler (Meta.Sees), and a creation whose id names an object they may
//     not see is told the id is taken, as any taken id is. Then every
//     region the object is in, before and after the command, must be one
//     of the sender's.
//
// SendSealed is Send for a name or phone a device sealed to the server's
// device key, opened for the command it arrives in only: the envelope's
// binding (the command's name, the record's ids, the region it names) is
// rebuilt from the command, so an envelope taken from another command does
// not open into a participant of the sender's region (keystore.Envelopes).
// It is opened once the table and the region rule allow the command, and
// an old, unbound envelope is released when the command is then refused.
//
// Visibility is the read service's (core/read): the same rules answer
// reads and writes, so no door can tell another region's object from a
// missing one.
//
// # Stakeholders without a region
//
// A national or international stakeholder has no region: every region
// sees it, lists it and refers to it. Changing it changes what every
// region sees, so it is in every region, and only roles not scoped to
// regions (admin, advocacy) may register, rename or move it. A
// facilitator may not rename one, nor move it to their region (which
// would hide it from every other), nor make one of their own regional
// stakeholders national. We chose this over "facilitators of every region
// it touches": no facilitator holds every region, so that choice would be
// the same rule said less plainly, and advocacy, who follow national
// offices, are the ones to keep them.
//
// # Sessions
//
// A browser session (Principal.Session) is a cookie on a device that may
// be seized. What it may do is written in the table with why: it may do
// the field's and the office's daily work (dialogues, enrolments,
// commitments, spaces, stakeholders, imports, forms), none of which opens
// a name; it may not create or revoke tokens (a token made by a session
// could read every name), erase a person (irreversible), back up (the
// backup holds every key) or list erasures. For those the person presents
// their token again, as a bearer, for that one act. Roles are a token's,
// set when it is created: changing one is creating a token.
//
// # Caveats
//
// Visibility comes from the read models, which follow the log: an object
// written a moment ago may not be visible yet. A mutation answers only
// once the read models hold its write; a Sender (an import) waits for them
// before it judges its next command.
package policy
