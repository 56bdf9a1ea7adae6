package inclusion

import (
	"slices"
	"sort"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/dialogue"
)

// ListQuery selects dialogues for a list: the Query's space, region,
// pillar and dates, plus a format and a stakeholder present. After is a
// cursor: the id of the last dialogue of the previous page.
type ListQuery struct {
	Query
	StakeholderID *domain.ID
	After         *domain.ID
	// Limit bounds the page; 0 means 50.
	Limit int
	// Newest lists the latest first.
	Newest bool
}

// DialogueRow is one dialogue of a list with its registered attendees and
// its attendance breakdown.
type DialogueRow struct {
	Dialogue  Dialogue
	Attendees []dialogue.Attendee
	Figures   Figures
}

// Dialogues lists the dialogues a query selects, oldest first (by date,
// then id) or newest first, a page at a time; more reports whether
// another page follows. Each space's list is already in order, so a page
// merges their heads: its cost grows with the page and the spaces, not
// with the dialogues of the range.
func (m *Model) Dialogues(q ListQuery) (rows []DialogueRow, more bool) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	m.readLock()
	defer m.mu.RUnlock()
	merge := listMerge{model: m, newest: q.Newest}
	var after *record
	if q.After != nil {
		after = m.dialogue(*q.After)
	}
	m.eachSpaceIn(q.Region, func(id domain.ID, list []dated) {
		if (q.SpaceID == nil || id == *q.SpaceID) && q.inSpaces(id) {
			merge.push(m.pastCursor(m.datedInRange(list, q.Query), after, q.Newest))
		}
	})
	for d := merge.next(); d != nil; d = merge.next() {
		if !m.listed(d, q) {
			continue
		}
		if len(rows) == limit {
			return rows, true
		}
		rows = append(rows, m.row(d))
	}
	return rows, false
}

// listed reports whether a dialogue passes a list's pillar, format and
// stakeholder.
func (m *Model) listed(d *record, q ListQuery) bool {
	if !m.isSymbol(d.pillar, q.Pillar) || !m.isSymbol(d.format, q.Format) {
		return false
	}
	return q.StakeholderID == nil || slices.Contains(m.unpack(d.details).StakeholderIDs, *q.StakeholderID)
}

// pastCursor is the part of a space's sorted list that comes after a
// cursor's dialogue in the list's order (all of it without one).
func (m *Model) pastCursor(list []dated, after *record, newest bool) []dated {
	if after == nil {
		return list
	}
	// i is the first entry not before the cursor's.
	i := sort.Search(len(list), func(i int) bool { return !recordBefore(m.records.at(list[i].index), after) })
	if newest {
		return list[:i]
	}
	if i < len(list) && list[i].index == after.index {
		i++
	}
	return list[i:]
}

// listMerge merges spaces' sorted lists: a heap of their heads, smallest
// (or, newest, largest) first.
type listMerge struct {
	model  *Model
	newest bool
	heads  [][]dated // each non-empty; oldest-first lists are read from the front, newest-first from the back
}

func (l *listMerge) head(k int) *record {
	list := l.heads[k]
	if l.newest {
		return l.model.records.at(list[len(list)-1].index)
	}
	return l.model.records.at(list[0].index)
}

func (l *listMerge) less(a, b int) bool {
	if l.newest {
		return recordBefore(l.head(b), l.head(a))
	}
	return recordBefore(l.head(a), l.head(b))
}

func (l *listMerge) push(list []dated) {
	if len(list) == 0 {
		return
	}
	l.heads = append(l.heads, list)
	for k := len(l.heads) - 1; k > 0; {
		parent := (k - 1) / 2
		if !l.less(k, parent) {
			break
		}
		l.heads[k], l.heads[parent] = l.heads[parent], l.heads[k]
		k = parent
	}
}

// next takes the first head, nil when every list is spent.
func (l *listMerge) next() *record {
	if len(l.heads) == 0 {
		return nil
	}
	d := l.head(0)
	if l.newest {
		l.heads[0] = l.heads[0][:len(l.heads[0])-1]
	} else {
		l.heads[0] = l.heads[0][1:]
	}
	if len(l.heads[0]) == 0 {
		last := len(l.heads) - 1
		l.heads[0] = l.heads[last]
		l.heads = l.heads[:last]
	}
	l.down(0)
	return d
}

func (l *listMerge) down(k int) {
	for {
		smallest := k
		for _, c := range []int{2*k + 1, 2*k + 2} {
			if c < len(l.heads) && l.less(c, smallest) {
				smallest = c
			}
		}
		if smallest == k {
			return
		}
		l.heads[k], l.heads[smallest] = l.heads[smallest], l.heads[k]
		k = smallest
	}
}

// row copies a dialogue with its attendees, details and figures.
func (m *Model) row(d *record) DialogueRow {
	uniqueKey := 0
	attendees := m.words.Get(d.attendees)
	for _, a := range attendees {
		i, _ := attendee(a)
		uniqueKey += int(m.people.keys[i])
	}
	var c, k counts
	m.addShare(&c, &d.share, false)
	m.addShare(&k, &d.share, true)
	dd := m.unpack(d.details)
	row := DialogueRow{Figures: m.keyedFigures(&c, &k, len(attendees), uniqueKey), Dialogue: Dialogue{
		ID: d.id, SpaceID: d.spaceID, HeldOn: dateOfDay(d.day), Pillar: m.symbols.word(d.pillar), Format: m.symbols.word(d.format),
		Headcount: d.headcountAsRecorded(), Retracted: d.retracted,
		Title: dd.Title, Locality: dd.Locality, Language: dd.Language, Topics: dd.Topics, DurationMinutes: dd.DurationMinutes,
		Facilitators: dd.Facilitators, StakeholderIDs: dd.StakeholderIDs, Concerns: dd.Concerns,
	}}
	for _, a := range attendees {
		i, spoke := attendee(a)
		row.Attendees = append(row.Attendees, dialogue.Attendee{ParticipantID: m.people.ids[i], Spoke: spoke})
	}
	return row
}

// Dialogue returns one dialogue, retracted ones included.
func (m *Model) Dialogue(id domain.ID) (DialogueRow, bool) {
	m.readLock()
	defer m.mu.RUnlock()
	d := m.dialogue(id)
	if d == nil {
		return DialogueRow{}, false
	}
	return m.row(d), true
}

// Attended returns the ids of the dialogues a participant attended, not
// retracted, newest first: their chain of attendances, no scan.
func (m *Model) Attended(participantID domain.ID) []domain.ID {
	m.readLock()
	defer m.mu.RUnlock()
	i, ok := m.personIDs.Find(participantID)
	if !ok {
		return nil
	}
	var list []*record
	for l := m.people.lastLink[i]; l != 0; l = m.links.at(l - 1).next {
		if d := m.records.at(m.links.at(l - 1).dialogue); !d.retracted {
			list = append(list, d)
		}
	}
	slices.SortFunc(list, func(a, b *record) int {
		if recordBefore(b, a) {
			return -1
		}
		return 1
	})
	ids := make([]domain.ID, len(list))
	for k, d := range list {
		ids[k] = d.id
	}
	return ids
}

// Space returns one space.
func (m *Model) Space(id domain.ID) (Space, bool) {
	m.readLock()
	defer m.mu.RUnlock()
	s, ok := m.spaces[id]
	if !ok {
		return Space{}, false
	}
	return *s, true
}

// Spaces returns the spaces of a region (every space for ""), by id.
func (m *Model) Spaces(region string) []Space {
	m.readLock()
	defer m.mu.RUnlock()
	out := make([]Space, 0, m.countSpaces(region))
	for _, s := range m.spaceOrder {
		if region == "" || s.Region == region {
			out = append(out, *s)
		}
	}
	return out
}

// SpaceCount is how many spaces a region has (every space for "").
func (m *Model) SpaceCount(region string) int {
	m.readLock()
	defer m.mu.RUnlock()
	return m.countSpaces(region)
}

func (m *Model) countSpaces(region string) int {
	if region == "" {
		return len(m.spaceOrder)
	}
	return len(m.regionSpaces[region])
}

// addSpace keeps a space by id in the map and in spaceOrder; ids are
// ULIDs, so a new space is mostly appended.
func (m *Model) addSpace(s *Space) {
	m.spaces[s.ID] = s
	at, found := slices.BinarySearchFunc(m.spaceOrder, s.ID, func(e *Space, id domain.ID) int { return e.ID.Compare(id) })
	if found {
		m.reindexSpace(s.ID, m.spaceOrder[at].Region, s.Region)
		m.spaceOrder[at] = s
		return
	}
	m.spaceOrder = slices.Insert(m.spaceOrder, at, s)
	m.indexSpace(s.ID, s.Region)
}
