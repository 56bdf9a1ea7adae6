package access

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/palabre/palabre/events/durable"
)

// sessionJournal is sessions.jsonl beside tokens.json: one line per
// sign-in or sign-out, appended and synced. A sign-in thus writes about
// 150 bytes, where rewriting every token with its sessions wrote the
// whole file (430 KB after 3,000 sessions of one token). The journal is
// rewritten with the open sessions alone once the lines of ended ones
// outnumber them.
type sessionJournal struct {
	path  string
	file  *os.File // for appending; opened at the first line
	lines int      // in the file
	// torn: the file ends with a line cut short (a crash while it was
	// written); appending after it would hide every later line.
	torn bool
}

// journalLine is a session opened (Open, its hash, and Expires), sessions
// of the token ended (End, their hashes), or both at once.
type journalLine struct {
	Token   string    `json:"token"`
	Open    string    `json:"open,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	End     []string  `json:"end,omitempty"`
	// Paced is kept by the LogKeeper only: on one machine a restart
	// forgets a token's pace, as it always did.
	Paced time.Time `json:"paced,omitzero"`
}

const journalName = "sessions.jsonl"

// readJournal replays the journal beside the token file into sessions by
// token, on top of those given (kept in tokens.json by older versions).
func readJournal(tokensPath string, sessions map[string][]Session) (*sessionJournal, error) {
	j := &sessionJournal{path: filepath.Join(filepath.Dir(tokensPath), journalName)}
	f, err := os.Open(j.path)
	if errors.Is(err, os.ErrNotExist) {
		return j, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, whole := parseJournalLine(sc.Bytes())
		if !whole {
			// A line cut short by a crash: what it held was never
			// acknowledged. Older builds appended after it, gluing their
			// next line onto it; replay goes on past it to keep those.
			j.torn = true
		}
		if line.Token == "" {
			continue
		}
		j.lines++
		kept := slices.DeleteFunc(sessions[line.Token], func(s Session) bool { return slices.Contains(line.End, s.Hash) })
		if line.Open != "" {
			kept = append(kept, Session{Hash: line.Open, Expires: line.Expires})
		}
		sessions[line.Token] = kept
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sessions: %s: %w", j.path, err)
	}
	return j, nil
}

// parseJournalLine reads one line of the journal; whole is false for a
// line torn by a crash, whose line is then the one an older build glued
// onto it, if any (a line starts with {"token": and none holds a brace).
func parseJournalLine(b []byte) (line journalLine, whole bool) {
	if json.Unmarshal(b, &line) == nil {
		return line, true
	}
	line = journalLine{}
	if at := bytes.LastIndex(b, []byte(`{"token":`)); at > 0 {
		if json.Unmarshal(b[at:], &line) != nil {
			line = journalLine{}
		}
	}
	return line, false
}

// record appends and syncs one line: opened (when its hash is set) and
// the sessions ended.
func (j *sessionJournal) record(token string, opened Session, ended []string) error {
	if j.file == nil {
		f, err := os.OpenFile(j.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
		// The file may be new: its name must outlive a crash too.
		if err := durable.SyncDir(filepath.Dir(j.path)); err != nil {
			f.Close()
			return fmt.Errorf("sessions: %w", err)
		}
		j.file = f
	}
	line := journalLine{Token: token, Open: opened.Hash, Expires: opened.Expires, End: ended}
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	if _, err := j.file.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if err := j.file.Sync(); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	j.lines++
	return nil
}

// rewrite replaces the journal by one line per open session, atomically.
func (j *sessionJournal) rewrite(open map[string][]Session) error {
	var b strings.Builder
	lines := 0
	for _, token := range slices.Sorted(maps.Keys(open)) {
		for _, s := range open[token] {
			encoded, err := json.Marshal(journalLine{Token: token, Open: s.Hash, Expires: s.Expires})
			if err != nil {
				return err
			}
			b.Write(encoded)
			b.WriteByte('\n')
			lines++
		}
	}
	if err := durable.WriteFile(j.path, []byte(b.String())); err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	if j.file != nil {
		j.file.Close()
		j.file = nil
	}
	j.lines = lines
	return nil
}

// openSessions are the sessions not expired, by token. Those of a
// revoked token are kept until they expire (30 days at most), so that a
// device presenting one is told its token was revoked, not merely signed
// out.
func openSessions(tokens map[string]*Token, now time.Time) (map[string][]Session, int) {
	open, count := map[string][]Session{}, 0
	for id, tok := range tokens {
		for _, s := range tok.Sessions {
			if now.Before(s.Expires) {
				open[id] = append(open[id], s)
				count++
			}
		}
	}
	return open, count
}

// compactIfDue rewrites the journal when the lines of ended sessions
// outnumber the open ones (and a few hundred). A failure leaves the
// journal as it was, whole, to be compacted next time.
func (k *fileKeeper) compactIfDue(tokens map[string]*Token) {
	if k.journal.lines < 256 {
		return
	}
	open, count := openSessions(tokens, k.clock())
	if k.journal.lines <= 2*count+256 {
		return
	}
	_ = k.journal.rewrite(open)
}

// openJournal reads the sessions into tokens: those an older version kept
// in the token file (its bytes, tokenFile), then the journal's. Sessions
// found in the token file move to the journal, and the token file is
// written again without them; a journal ending in a torn line is written
// again whole.
func (k *fileKeeper) openJournal(tokens map[string]*Token, tokenFile []byte) error {
	sessions := map[string][]Session{}
	var legacy []struct {
		ID       string    `json:"id"`
		Sessions []Session `json:"sessions"`
	}
	if len(tokenFile) > 0 {
		if err := json.Unmarshal(tokenFile, &legacy); err != nil {
			return fmt.Errorf("tokens: %s is damaged: %w", k.path, err)
		}
	}
	moved := 0
	for _, tok := range legacy {
		sessions[tok.ID], moved = tok.Sessions, moved+len(tok.Sessions)
	}
	j, err := readJournal(k.path, sessions)
	if err != nil {
		return err
	}
	k.journal = j
	for id, kept := range sessions {
		if tok, ok := tokens[id]; ok {
			tok.Sessions = kept
		}
	}
	if moved == 0 && !j.torn {
		k.compactIfDue(tokens)
		return nil
	}
	open, _ := openSessions(tokens, k.clock())
	if err := k.journal.rewrite(open); err != nil {
		return err
	}
	if moved == 0 {
		return nil
	}
	return k.save(tokens)
}
