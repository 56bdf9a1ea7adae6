// Package outcome is the outcome aggregate: a change harvested in the
// behaviour of a social actor — a stakeholder of the register — with what
// changed, when and where, why it matters, what the alliance (and others)
// contributed, and the evidence for it in the log: dialogues, commitments
// and commitments' progress reports.
//
// An outcome is substantiated by asking a verifier, someone who knows of
// the change without being of the alliance, whether they agree. The
// verifier's name, phone and organisation are never in an event in clear:
// the application seals them under a key of that request's own, outside
// the log, exactly as a participant's identity, and erasing the verifier
// destroys the key. Their answer (agree, partly, disagree, and a comment)
// stays.
//
// Only outcomes marked public may ever be published (the observatory);
// a revision takes the mark off, so that a new text is read before it is
// published again.
//
// # Caveats
//
//   - The locality is private: only the region may ever be published.
//   - A progress report is named by its commitment and its rank among
//     that commitment's reports (1 for the first), since reports have no
//     id of their own.
package outcome
