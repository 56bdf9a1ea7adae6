package policy

import (
	"context"
	"sync"

	"github.com/palabre/palabre/core/access"
	"github.com/palabre/palabre/core/read"
	"github.com/palabre/palabre/events"
	"github.com/palabre/palabre/events/commands"
	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/imports"
	"github.com/palabre/palabre/events/keystore"
)

// Sender is the policy bound to one principal, for a series of commands
// that may name what the one before wrote (an import's rows: a dialogue
// names the people just enrolled, a commitment the dialogue). It waits
// for the read models to hold its last write before judging the next
// command. Safe for concurrent use (an import's rows run side by side):
// each command waits for the read models to hold every write of the
// Sender's so far, whichever goroutine made it.
type Sender struct {
	policy *Policy
	who    access.Principal
	// scoped: the principal is scoped to regions, so what it may refer
	// to is what the read models hold.
	scoped bool
	mu     sync.Mutex
	// written is the latest write, held is the latest position the read
	// models were seen to hold.
	written, held events.Position
}

var _ imports.Sender = (*Sender)(nil)

// For binds the policy to a principal.
func (p *Policy) For(who access.Principal) *Sender {
	return &Sender{policy: p, who: who, scoped: p.cfg.Read.Sees(read.Viewer{Principal: who}) != nil}
}

// Send is Policy.Send for the bound principal.
func (s *Sender) Send(ctx context.Context, id domain.ID, cmd domain.Command, meta commands.Meta, identity *keystore.Identity) (commands.Result[domain.Event], error) {
	s.mu.Lock()
	target, wait := s.written, s.held.Less(s.written)
	s.mu.Unlock()
	if wait && s.policy.cfg.Wait != nil {
		if err := s.policy.cfg.Wait(ctx, target); err != nil {
			return commands.Result[domain.Event]{}, err
		}
		s.mu.Lock()
		s.held = later(s.held, target)
		s.mu.Unlock()
	}
	res, err := s.policy.Send(ctx, s.who, id, cmd, meta, identity)
	if err == nil && s.scoped && !meta.DryRun && !res.Repeated && len(res.Events) > 0 {
		s.mu.Lock()
		s.written = later(s.written, res.Position)
		s.mu.Unlock()
	}
	return res, err
}

func later(p, q events.Position) events.Position {
	if p.Less(q) {
		return q
	}
	return p
}
