package domain

// Command is any aggregate's command. Each aggregate seals its own set
// (space.Command, dialogue.Command…); this is what callers that hold
// commands of every kind see of them: the write policy, which judges each
// by its name, and an import, which sends several kinds.
type Command interface {
	// CommandName names the command for good: the idempotency hash and
	// the write policy's table are keyed on it.
	CommandName() string
}
