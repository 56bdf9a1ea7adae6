package imports

import (
	"context"
	"fmt"
	"sync"

	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
)

// Rows run side by side when they touch different objects: each durable
// write waits for the disk, and one row at a time left the disk idle
// between them (10,000 submissions took ~40 s, a third of it computing).
// Rows that touch the same object (a dialogue and its edit, a person
// enrolled by one submission and attending another) run one after
// another in the file's order, so the outcome is the file's order's.

// registers is the key every line of a register shares: a register's
// lines run one at a time, in order.
var registers = domain.ID{0xff}

// enrols implements Row: the people a submission enrols.
func (p Plan) enrols() []domain.ID {
	ids := make([]domain.ID, len(p.Enrolments))
	for i, e := range p.Enrolments {
		ids[i] = e.ID
	}
	return ids
}

// keys implements Row: its dialogue, its commitments, and its attendees
// whom some row of the file enrols.
func (p Plan) keys(enrolled map[domain.ID]bool) []domain.ID {
	keys := []domain.ID{p.DialogueID}
	for _, c := range p.Commitments {
		keys = append(keys, c.ID)
	}
	for _, a := range p.Dialogue.Attendees {
		if enrolled[a.ParticipantID] {
			keys = append(keys, a.ParticipantID)
		}
	}
	return keys
}

func (r registerRow) enrols() []domain.ID                 { return nil }
func (r registerRow) keys(map[domain.ID]bool) []domain.ID { return []domain.ID{registers} }

// decided is a row's result, or the store's error that stopped it.
type decided struct {
	Result
	err error
}

// runRows runs rows, at most parallel at once, each after the earlier
// rows sharing a key with it. It stops starting rows when ctx ends or a
// row fails, and returns the rows started, every one finished.
func runRows(ctx context.Context, h *commands.Handler, send Sender, rows []Row, opts Options, parallel int) ([]decided, error) {
	enrolled := map[domain.ID]bool{}
	for _, row := range rows {
		for _, id := range row.enrols() {
			enrolled[id] = true
		}
	}
	whole := context.WithoutCancel(ctx) // a row is never cut
	out := make([]decided, 0, len(rows))
	done := make([]chan struct{}, len(rows))
	last := map[domain.ID]int{}
	slots := make(chan struct{}, max(1, parallel))
	var failed sync.Once
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var err error
	for i, row := range rows {
		if err = ctx.Err(); err != nil {
			break
		}
		select {
		case <-stop:
		case slots <- struct{}{}:
		}
		if isClosed(stop) {
			break
		}
		var after []chan struct{}
		for _, k := range row.keys(enrolled) {
			if j, ok := last[k]; ok {
				after = append(after, done[j])
			}
			last[k] = i
		}
		done[i] = make(chan struct{})
		out = append(out, decided{})
		wg.Add(1)
		go func(res *decided) {
			defer func() { <-slots; close(done[i]); wg.Done() }()
			for _, d := range after {
				<-d
			}
			*res = decide(whole, h, send, row, opts)
			if res.err != nil {
				failed.Do(func() { close(stop) })
			}
		}(&out[i])
	}
	wg.Wait()
	return out, err
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// decide runs one row unless its planning refused it.
func decide(ctx context.Context, h *commands.Handler, send Sender, row Row, opts Options) decided {
	where := row.Where()
	res := decided{Result: Result{Sheet: where.Sheet, Row: where.Row, Problems: row.Planned()}}
	if len(res.Problems) == 0 {
		outcome, problems, err := row.run(ctx, h, send, opts)
		if err != nil {
			res.err = fmt.Errorf("%s row %d: %w", where.Sheet, where.Row, err)
			return res
		}
		res.Outcome, res.Problems = outcome, problems
	}
	if len(res.Problems) > 0 {
		res.Outcome = Refused
	}
	return res
}

func (f fileRefusal) enrols() []domain.ID                 { return nil }
func (f fileRefusal) keys(map[domain.ID]bool) []domain.ID { return nil }
