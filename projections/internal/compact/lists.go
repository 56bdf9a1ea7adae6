package compact

import "encoding/binary"

// Lists interns lists of words (a participant's groups, a commitment's
// beneficiaries): each distinct list is kept once and named by its dense
// index, the empty list (nil) by 0.
type Lists struct {
	keys  Table[string]
	lists [][]string
}

// Of returns list's index, keeping a copy of list if it is new.
func (l *Lists) Of(list []string) uint32 {
	if l.keys.Len() == 0 {
		l.keys.Of("")
		l.lists = append(l.lists, nil)
	}
	i := l.keys.Of(listKey(list))
	if int(i) == len(l.lists) {
		l.lists = append(l.lists, append([]string(nil), list...))
	}
	return i
}

// At returns the list of index i, shared: not to be changed.
func (l *Lists) At(i uint32) []string {
	if int(i) < len(l.lists) {
		return l.lists[i]
	}
	return nil
}

// listKey is a list as one string, each word length-prefixed, so that
// no two lists share a key whatever their words hold.
func listKey(list []string) string {
	var b []byte
	for _, w := range list {
		b = binary.AppendUvarint(b, uint64(len(w)))
		b = append(b, w...)
	}
	return string(b)
}
