package read

import (
	"context"
	"strings"
	"time"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
)

// History is what happened to an object the viewer may see, event by
// event, in the order recorded.
func (s *Service) History(ctx context.Context, v Viewer, ref domain.Ref) ([]commands.Recorded, error) {
	if err := s.object(v, ref); err != nil {
		return nil, err
	}
	out, err := s.cfg.Handler.History(ctx, ref.Category, ref.ID)
	if err != nil {
		if err := stopped(ctx); err != nil {
			return nil, err
		}
		return nil, failed(v, err, "reading a history failed")
	}
	return out, nil
}

// object checks that the viewer may read an object, as its getter would.
func (s *Service) object(v Viewer, ref domain.Ref) error {
	k, ok := s.byKind[ref.Category]
	if !ok {
		return ErrNotFound
	}
	if err := Must(v, k.capability); err != nil {
		return err
	}
	if _, visible := k.region(v.Principal, ref.ID); !visible {
		return ErrNotFound
	}
	return nil
}

// ChangesQuery selects events of the whole log: recorded from and to
// (inclusive; zero for no bound), by one subject ("" for all), a page
// after a position.
type ChangesQuery struct {
	From, To time.Time
	Subject  string
	After    *events.Position
	Limit    int
}

// LoggedChange is one event of the log, with the object it is about.
type LoggedChange struct {
	commands.Change
	Object domain.Ref
}

// Changes lists, for admins, the events of every object by the time they
// were recorded, oldest first: the audit trail of who recorded what.
// more says whether another page follows.
func (s *Service) Changes(ctx context.Context, v Viewer, q ChangesQuery) (out []LoggedChange, more bool, err error) {
	if err := Must(v, access.Administer); err != nil {
		return nil, false, err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, false, BadInput("to", "%s is before from (%s)", q.To.Format(time.RFC3339), q.From.Format(time.RFC3339))
	}
	start := events.Start
	switch {
	case q.After != nil:
		start = *q.After
	case !q.From.IsZero() && s.cfg.AsOf != nil:
		if start, err = s.cfg.AsOf.PositionAt(ctx, q.From); err != nil {
			return nil, false, s.logFailure(ctx, v, err)
		}
	}
	err = s.cfg.Handler.Changes(ctx, start, func(c commands.Change) bool {
		object := refOf(c.Stream)
		_, isObject := s.byKind[object.Category] // not the streams that claim codes
		switch {
		case !isObject, q.After != nil && c.Position == *q.After, c.RecordedAt.Before(q.From),
			q.Subject != "" && c.RecordedBy != q.Subject:
			return true
		case !q.To.IsZero() && c.RecordedAt.After(q.To):
			return false
		case len(out) == q.Limit:
			more = true
			return false
		}
		out = append(out, LoggedChange{Change: c, Object: object})
		return true
	})
	if err != nil {
		return nil, false, s.logFailure(ctx, v, err)
	}
	return out, more, nil
}

func (s *Service) logFailure(ctx context.Context, v Viewer, err error) error {
	if err := stopped(ctx); err != nil {
		return err
	}
	return failed(v, err, "reading the log failed")
}

// refOf reads the object a stream is of ("category-ID").
func refOf(stream string) domain.Ref {
	i := strings.LastIndexByte(stream, '-')
	if i < 0 {
		return domain.Ref{}
	}
	id, err := domain.ParseID("stream", stream[i+1:])
	if err != nil {
		return domain.Ref{}
	}
	return domain.Ref{Category: stream[:i], ID: id}
}
