package commitments

import (
	"slices"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/commitment"
	"github.com/palabre/palabre/projections/internal/compact"
)

// record is a commitment as the model keeps it (issue 26): 120
// bytes, in a column by dense index, where a Commitment is 248. Words
// (pillar, status, progress) and lists (benefits) are indexes into the
// model's tables; dates are days. A Commitment is built per answer,
// sharing the record's history: histories are kept as the answers give
// them, since building them per answer made listing every commitment
// twice as slow (docs/BENCHMARKS.md, "The other read models' memory").
type record struct {
	id, stakeholderID   domain.ID
	spaceID, dialogueID *domain.ID // as the event gave them: shared, never changed
	text                string
	history             []Update // its length its capacity: most have one or two
	madeOn, dueOn       compact.Day
	settledOn           compact.Day
	pillar, status      uint32 // words
	progress, benefits  uint32 // a word, a list
}

// store is where the records' parts are kept: one per model, replaced
// by Reset.
type store struct {
	list compact.Column[record]
	ids  compact.Index
	// dialogues finds the first commitment made at a dialogue, and
	// nextAtDialogue (by dense index) the next made there, -1 at the end.
	dialogues      compact.Index
	nextAtDialogue compact.Column[int32]
	// words interns the words commitments repeat (pillars, statuses,
	// regions), benefits the lists of beneficiaries (a closed vocabulary:
	// evidence, free text, is kept as given).
	words    compact.Table[string]
	benefits compact.Lists
}

func newStore() store { return store{} }

// find returns the dense index of the commitment with id.
func (s *store) find(id domain.ID) (int32, bool) {
	return s.ids.Find(compact.HashID(id), func(i int32) bool { return s.list.At(i).id == id })
}

// firstAt returns the first commitment made at a dialogue.
func (s *store) firstAt(dialogueID domain.ID) (int32, bool) {
	return s.dialogues.Find(compact.HashID(dialogueID), func(i int32) bool { return *s.list.At(i).dialogueID == dialogueID })
}

// add files a new commitment and returns its index.
func (s *store) add(r record) int32 {
	i := s.list.Append(r)
	s.ids.Add(compact.HashID(r.id), i, func(j int32) uint64 { return compact.HashID(s.list.At(j).id) })
	s.nextAtDialogue.Append(-1)
	if r.dialogueID == nil {
		return i
	}
	first, ok := s.firstAt(*r.dialogueID)
	if !ok {
		s.dialogues.Add(compact.HashID(*r.dialogueID), i, func(j int32) uint64 { return compact.HashID(*s.list.At(j).dialogueID) })
		return i
	}
	last := first
	for *s.nextAtDialogue.At(last) >= 0 {
		last = *s.nextAtDialogue.At(last)
	}
	*s.nextAtDialogue.At(last) = i
	return i
}

// follow adds u at the end of r's history.
func (s *store) follow(r *record, u Update) {
	s.share(&u)
	r.history = slices.Clip(append(r.history, u))
}

// share makes u's words the ones kept for every update that repeats
// them.
func (s *store) share(u *Update) {
	u.Status = s.words.At(s.words.Of(u.Status))
	if k := slices.Index(UpdateKinds, u.Kind); k >= 0 {
		u.Kind = UpdateKinds[k] // a restored kind shares the constant's bytes
	}
}

// commitment builds r's Commitment.
func (s *store) commitment(r *record) Commitment {
	var c Commitment
	s.fill(&c, r)
	return c
}

// fill builds r's Commitment in c.
func (s *store) fill(c *Commitment, r *record) {
	*c = Commitment{
		ID: r.id, StakeholderID: r.stakeholderID, SpaceID: r.spaceID, DialogueID: r.dialogueID, Text: r.text,
		Pillar: s.words.At(r.pillar), MadeOn: r.madeOn.Date(), DueOn: r.dueOn.Date(), Benefits: s.benefits.At(r.benefits),
		Status: commitment.Status(s.words.At(r.status)), Progress: s.words.At(r.progress), SettledOn: r.settledOn.Date(),
		History: r.history,
	}
}

// overdue reports whether an open commitment's due date has passed.
func (s *store) overdue(r *record, today compact.Day) bool {
	return s.words.At(r.status) == string(commitment.Open) && r.dueOn != compact.NoDay && r.dueOn < today
}
