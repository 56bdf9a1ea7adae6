package inclusion

import (
	"slices"

	"github.com/palabre/palabre/events/domain"
)

// regionSpaces are each region's spaces, kept as spaces are established
// and move: a region's view, its price and its extent read its own
// spaces, not every space of every region (62,500 at 5M demo events).

// indexSpace files a new space under its region. m.mu is held.
func (m *Model) indexSpace(id domain.ID, region string) {
	m.regionSpaces[region] = append(m.regionSpaces[region], id)
}

// reindexSpace moves a space from one region's list to another's. Moves
// are rare, so a linear search is enough. m.mu is held.
func (m *Model) reindexSpace(id domain.ID, from, to string) {
	if from == to {
		return
	}
	if list := m.regionSpaces[from]; len(list) > 0 {
		if i := slices.Index(list, id); i >= 0 {
			list[i] = list[len(list)-1]
			m.regionSpaces[from] = list[:len(list)-1]
		}
	}
	if len(m.regionSpaces[from]) == 0 {
		delete(m.regionSpaces, from)
	}
	m.indexSpace(id, to)
}

// eachSpaceIn calls f with each space of a region, every space for "",
// and its dialogues in date order. m.mu is held.
func (m *Model) eachSpaceIn(region string, f func(id domain.ID, list []dated)) {
	if region == "" {
		for id, list := range m.bySpace {
			f(id, list)
		}
		return
	}
	for _, id := range m.regionSpaces[region] {
		if list := m.bySpace[id]; len(list) > 0 {
			f(id, list)
		}
	}
}
