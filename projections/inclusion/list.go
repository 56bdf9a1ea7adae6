package inclusion

import (
	"slices"

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
// another page follows.
func (m *Model) Dialogues(q ListQuery) (rows []DialogueRow, more bool) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var selected []*Dialogue
	for id, list := range m.bySpace {
		if q.SpaceID != nil && id != *q.SpaceID {
			continue
		}
		if s := m.spaces[id]; q.Region != "" && (s == nil || s.Region != q.Region) {
			continue
		}
		for _, d := range m.inRange(list, q.Query) {
			if (q.Pillar == "" || d.Pillar == q.Pillar) && (q.Format == "" || d.Format == q.Format) &&
				(q.StakeholderID == nil || slices.Contains(d.StakeholderIDs, *q.StakeholderID)) {
				selected = append(selected, d)
			}
		}
	}
	before := dialogueBefore
	if q.Newest {
		before = func(a, b *Dialogue) bool { return dialogueBefore(b, a) }
	}
	slices.SortFunc(selected, func(a, b *Dialogue) int {
		if before(a, b) {
			return -1
		}
		return 1
	})
	if q.After != nil {
		if after, ok := m.dialogues[*q.After]; ok {
			i, _ := slices.BinarySearchFunc(selected, after, func(d, target *Dialogue) int {
				if d == target || !before(d, target) {
					return 1
				}
				return -1
			})
			for i < len(selected) && !before(after, selected[i]) {
				i++
			}
			selected = selected[i:]
		}
	}
	if len(selected) > limit {
		selected, more = selected[:limit], true
	}
	for _, d := range selected {
		rows = append(rows, m.row(d))
	}
	return rows, more
}

// row copies a dialogue with its attendees and figures.
func (m *Model) row(d *Dialogue) DialogueRow {
	uniqueKey := 0
	for _, a := range d.attendees {
		i, _ := attendee(a)
		uniqueKey += int(m.people.keys[i])
	}
	row := DialogueRow{Dialogue: *d, Figures: m.keyedFigures(&d.counts, &d.keys, len(d.attendees), uniqueKey)}
	row.Dialogue.attendees, row.Dialogue.counts, row.Dialogue.keys, row.Dialogue.seed, row.Dialogue.index = nil, counts{}, counts{}, [16]byte{}, 0
	for _, a := range d.attendees {
		i, spoke := attendee(a)
		row.Attendees = append(row.Attendees, dialogue.Attendee{ParticipantID: m.people.ids[i], Spoke: spoke})
	}
	return row
}

// Dialogue returns one dialogue, retracted ones included.
func (m *Model) Dialogue(id domain.ID) (DialogueRow, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	d, ok := m.dialogues[id]
	if !ok {
		return DialogueRow{}, false
	}
	return m.row(d), true
}

// Attended returns the ids of the dialogues a participant attended, not
// retracted, newest first: their chain of attendances, no scan.
func (m *Model) Attended(participantID domain.ID) []domain.ID {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i, ok := m.personIndex[participantID]
	if !ok {
		return nil
	}
	var list []*Dialogue
	for l := m.people.lastLink[i]; l != 0; l = m.links[l-1].next {
		if d := m.byIndex[m.links[l-1].dialogue]; !d.Retracted {
			list = append(list, d)
		}
	}
	slices.SortFunc(list, func(a, b *Dialogue) int {
		if dialogueBefore(b, a) {
			return -1
		}
		return 1
	})
	ids := make([]domain.ID, len(list))
	for k, d := range list {
		ids[k] = d.ID
	}
	return ids
}

// Space returns one space.
func (m *Model) Space(id domain.ID) (Space, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.spaces[id]
	if !ok {
		return Space{}, false
	}
	return *s, true
}

// Spaces returns the spaces of a region (every space for ""), by id.
func (m *Model) Spaces(region string) []Space {
	m.mu.RLock()
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
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.countSpaces(region)
}

func (m *Model) countSpaces(region string) int {
	if region == "" {
		return len(m.spaceOrder)
	}
	n := 0
	for _, s := range m.spaceOrder {
		if s.Region == region {
			n++
		}
	}
	return n
}

// addSpace keeps a space by id in the map and in spaceOrder; ids are
// ULIDs, so a new space is mostly appended.
func (m *Model) addSpace(s *Space) {
	m.spaces[s.ID] = s
	at, found := slices.BinarySearchFunc(m.spaceOrder, s.ID, func(e *Space, id domain.ID) int { return e.ID.Compare(id) })
	if found {
		m.spaceOrder[at] = s
		return
	}
	m.spaceOrder = slices.Insert(m.spaceOrder, at, s)
}
