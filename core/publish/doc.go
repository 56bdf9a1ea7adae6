// Package publish is palabre's one publication policy: what of the
// record may leave the alliance, for the public observatory and for the
// donor's IATI file alike.
//
// The policy is a list of what is kept, never of what is removed: each
// public value is copied field by field into a type of this package, so
// that a field added to the record later stays private until someone adds
// it here. It keeps:
//
//   - the log as it stood when the publication's day began (Policy.Moment,
//     read through read.Service.At), so that a publication is made again
//     for its date byte for byte;
//   - geography at the region, never a locality nor a space;
//   - only what is dated on or before the cut-off, the publication's date
//     less its delay (a commitment made, a progress report, a settlement,
//     an outcome, an inclusion figure's months);
//   - inclusion figures only as the read service releases them to a role
//     without identities (the analyst's base table: perturbed, small cells
//     withheld), never computed around them;
//   - outcomes only when marked public, with the evidence the publication
//     itself holds (a commitment it lists, a progress report it dates);
//   - nothing about participants: no name, phone, code, id or attendance;
//   - of a donor report, in every form it leaves in (DonorReport), the
//     number of items of evidence, never their texts; and of an outcome,
//     never its locality, which the read service gives no reader whose
//     answer leaves the app (read.Viewer.Leaves).
//
// Objects are named by references the publication makes (an authority's
// and a commitment's rank), not by the log's ids, whose ULIDs carry the
// moment they were recorded.
//
// # Caveats
//
// Texts the alliance writes for the public (a commitment's wording, an
// outcome marked public) are published as written: the policy cannot tell
// a name inside a sentence. Progress notes and evidence texts are not
// published, only their dates and how many items support them.
package publish
