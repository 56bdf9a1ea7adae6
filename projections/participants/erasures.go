package participants

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/palabre/palabre/events/domain"
)

// erasuresHeader opens an erasure list, so that a person finding the file
// knows what it is and that it names nobody.
const erasuresHeader = "# palabre erasures: participant id (or outcome id), erased on, and for an outcome's verifier the request id. Pseudonymous ids only; re-apply to a restored backup with palabre restore FILE --erase-since THIS_FILE\n"

// WriteErasures writes an erasure list: one line per erasure, the
// participant's id and the date, tab-separated; a verifier's line has the
// outcome's id, the date and the request's id.
func WriteErasures(w io.Writer, list []Erasure) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(erasuresHeader)
	for _, e := range list {
		if e.Request != nil {
			fmt.Fprintf(bw, "%s\t%s\t%s\n", e.ID, e.On, e.Request)
			continue
		}
		fmt.Fprintf(bw, "%s\t%s\n", e.ID, e.On)
	}
	return bw.Flush()
}

// ReadErasures reads an erasure list written by WriteErasures; blank
// lines and lines starting with # are skipped. A line it cannot read is
// an error naming the line.
func ReadErasures(r io.Reader) ([]Erasure, error) {
	var out []Erasure
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, on, _ := strings.Cut(line, "\t")
		on, request, isVerifier := strings.Cut(on, "\t")
		e := Erasure{}
		var err error
		if isVerifier {
			r, err := domain.ParseID("requestId", strings.TrimSpace(request))
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", n, err)
			}
			e.Request = &r
		}
		if e.ID, err = domain.ParseID("participantId", strings.TrimSpace(id)); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if e.On, err = domain.ParseDate(strings.TrimSpace(on)); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, e)
	}
	return out, sc.Err()
}
