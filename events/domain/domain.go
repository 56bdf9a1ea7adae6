package domain

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oklog/ulid/v2"
)

// ID identifies an aggregate: a ULID, also the suffix of its stream name.
type ID = ulid.ULID

// ParseID parses a ULID, naming field in the error.
func ParseID(field, s string) (ID, error) {
	id, err := ulid.ParseStrict(s)
	if err != nil {
		return ID{}, &Problems{{Field: field, Reason: fmt.Sprintf("%q is not a ULID", s)}}
	}
	return id, nil
}

// DerivedID is an id computed from a purpose and parts (SHA-256, its first
// 16 bytes): the same parts always give it, and no one can choose parts
// that give an id already in use.
func DerivedID(purpose string, parts ...[]byte) ID {
	h := sha256.New()
	h.Write([]byte(purpose))
	for _, part := range parts {
		h.Write([]byte{0})
		h.Write(part)
	}
	var id ID
	copy(id[:], h.Sum(nil))
	return id
}

// StreamName is the stream of aggregate id in category, "category-<ULID>".
func StreamName(category string, id ID) string { return category + "-" + id.String() }

// Date is a business date (a dialogue's heldOn, a commitment's dueOn), with
// no time of day and no zone. Its JSON form is "2006-01-02".
type Date struct{ t time.Time }

// NewDate returns the date year-month-day.
func NewDate(year int, month time.Month, day int) Date {
	return Date{time.Date(year, month, day, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	}
	return Date{t}, nil
}

func (d Date) IsZero() bool         { return d.t.IsZero() }
func (d Date) Year() int            { return d.t.Year() }
func (d Date) Month() time.Month    { return d.t.Month() }
func (d Date) Before(e Date) bool   { return d.t.Before(e.t) }
func (d Date) After(e Date) bool    { return d.t.After(e.t) }
func (d Date) Time() time.Time      { return d.t }
func (d Date) DaysUntil(e Date) int { return int(e.t.Sub(d.t).Hours() / 24) }
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// parseFast reads a valid YYYY-MM-DD without time.Parse, which a rebuild
// would otherwise call for every dialogue; anything else is left to
// ParseDate and its error.
func (d *Date) parseFast(b []byte) bool {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return false
	}
	n := 0
	for i, c := range b {
		if i == 4 || i == 7 {
			continue
		}
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	y, m, day := n/10000, time.Month(n/100%100), n%100
	if m < 1 || m > 12 || day < 1 || day > daysIn(m, y) {
		return false
	}
	*d = NewDate(y, m, day)
	return true
}

func daysIn(m time.Month, year int) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	if d.parseFast(b) {
		return nil
	}
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// ErrRejected marks a command refused by a rule or a validation: the
// caller's input is at fault. The error is a *Problems.
var ErrRejected = errors.New("command rejected")

// Problem is one reason a command is refused, naming the field at fault in
// the command's own terms ("attendees[3].participantId").
type Problem struct {
	Field  string `json:"field"`
	Reason string `json:"reason"`
	// Template and Args are the reason before formatting, so that a
	// transport can tell it in its reader's language.
	Template string `json:"-"`
	Args     []any  `json:"-"`
}

// Problems are every reason a command is refused; deciders report them all
// at once, not only the first.
type Problems []Problem

// Add records a problem with field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, Problem{Field: field, Reason: fmt.Sprintf(format, args...), Template: format, Args: args})
}

// Err returns p as an error, or nil when there is no problem.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &p
}

func (p *Problems) Error() string {
	parts := make([]string, len(*p))
	for i, pr := range *p {
		parts[i] = pr.Field + ": " + pr.Reason
	}
	return strings.Join(parts, "; ")
}

func (p *Problems) Is(target error) bool { return target == ErrRejected }

// Reject returns a single-problem error.
func Reject(field, format string, args ...any) error {
	var p Problems
	p.Add(field, format, args...)
	return p.Err()
}

// Env is what a decision may know of the world beyond its own stream. The
// command handler fills it before calling a pure Decide.
type Env struct {
	// Today is the server's date, for "not in the future" rules.
	Today Date
	// Reference is the deployment's reference data.
	Reference Reference
	// Lookup answers questions about other aggregates.
	Lookup Lookup
}

// Reference is the reference data a deployment configures: regions and
// excluded groups are data, not code.
type Reference interface {
	HasRegion(code string) bool
	HasGroup(code string) bool
}

// Lookup gives the facts a decision needs about other aggregates, as they
// stood when the command was decided (see LookUp).
type Lookup interface {
	// Facts are what the aggregate ref names lets others check (its
	// descriptor's Facts); ok is false when it does not exist.
	Facts(ref Ref) (facts any, ok bool)
}

// Fact is a kind of facts about one aggregate, named by its category.
type Fact interface{ FactsCategory() string }

// LookUp returns the facts F of the aggregate with this id: ok is false
// when it does not exist.
func LookUp[F Fact](l Lookup, id ID) (F, bool) {
	var zero F
	f, ok := l.Facts(Ref{Category: zero.FactsCategory(), ID: id})
	if !ok {
		return zero, false
	}
	typed, ok := f.(F)
	return typed, ok
}

// SpaceFacts are what other aggregates may check of a consultative space.
type SpaceFacts struct {
	Region string
	Closed bool
}

// StakeholderFacts are what other aggregates may check of a stakeholder.
type StakeholderFacts struct{ Region string }

// ParticipantFacts are what other aggregates may check of a participant.
type ParticipantFacts struct {
	Region string
	Erased bool
}

// DialogueFacts are what other aggregates may check of a dialogue.
type DialogueFacts struct {
	SpaceID   ID
	HeldOn    Date
	Retracted bool
}

// CommitmentFacts are what other aggregates may check of a commitment:
// an outcome's evidence names it, or the n-th of its progress reports.
type CommitmentFacts struct {
	StakeholderID ID
	Status        string
	Reports       int
}

func (CommitmentFacts) FactsCategory() string  { return "commitment" }
func (SpaceFacts) FactsCategory() string       { return "space" }
func (StakeholderFacts) FactsCategory() string { return "stakeholder" }
func (ParticipantFacts) FactsCategory() string { return "participant" }
func (DialogueFacts) FactsCategory() string    { return "dialogue" }

// SealedIdentity is who a person is — a participant's name and phone, a
// verifier's name, phone and organisation — encrypted (AES-256-GCM) under
// a key of their own kept outside the log. Only the key store opens it;
// destroying the key erases the person (crypto-shredding).
type SealedIdentity struct {
	Nonce      []byte `json:"nonce"`
	Ciphertext []byte `json:"ciphertext"`
}

// CheckSealed checks the form of a sealed identity; nil is left to the
// caller, for whom it may be allowed.
func CheckSealed(p *Problems, field string, s *SealedIdentity) {
	if s != nil && (len(s.Nonce) != 12 || len(s.Ciphertext) < 16) {
		p.Add(field, "is not a sealed identity")
	}
}

// Ref names another aggregate a command refers to, so the handler can load
// it before deciding.
type Ref struct {
	Category string
	ID       ID
}

// Text checks a required or optional one-line free-text field (a name, a
// title, a locality): a value with no visible character is empty, no
// control character is taken, not even a line break or a tab, and the
// length is in characters (code points) as the refusal says, not bytes (a
// letter of French or Tifinagh is two or three). The web app counts code
// points too: what it lets into the outbox is accepted here.
func Text(p *Problems, field, value string, required bool, max int) {
	checkText(p, field, value, required, max, false)
}

// Note checks a free-text field that may run over several lines (a
// summary, a note, a reason, a description): as Text, but line breaks
// (LF, or CRLF as Windows and some exports write them) and tabs are kept.
func Note(p *Problems, field, value string, required bool, max int) {
	checkText(p, field, value, required, max, true)
}

func checkText(p *Problems, field, value string, required bool, max int, lines bool) {
	switch {
	case required && Blank(value):
		p.Add(field, "is required")
	case len(value) > max && utf8.RuneCountInString(value) > max:
		p.Add(field, "is longer than %d characters", max)
	default:
		checkCharacters(p, field, value, lines)
	}
}

// checkCharacters refuses the first character a text may not hold: a
// control character (C0, DEL, C1), which no one types and which reaches
// every export raw, or, in a one-line text, a line break or a tab.
func checkCharacters(p *Problems, field, value string, lines bool) {
	n := 0
	for i, r := range value {
		n++
		// U+2028 and U+2029 are Unicode's own line and paragraph breaks.
		lineBreak := r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029' || r == '\r' && strings.HasPrefix(value[i+1:], "\n")
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(value[i:], "\uFFFD"):
			p.Add(field, "holds bytes that are not text (UTF-8) at character %d", n)
		case lineBreak && !lines:
			p.Add(field, "is one line: it holds a line break or a tab at character %d", n)
		case !lineBreak && unicode.IsControl(r):
			p.Add(field, "holds the control character U+%04X at character %d: remove it", r, n)
		default:
			continue
		}
		return
	}
}

// Blank reports whether a value has no character a reader can see: only
// spaces of any kind, format characters (U+200B zero-width space, U+FEFF,
// the soft hyphen), controls, combining marks with nothing to combine with,
// or a blank that is a letter or symbol by category (U+2800 braille
// blank, the Hangul fillers). Such a value is empty to every rule that
// requires one.
func Blank(value string) bool {
	for _, r := range value {
		if !invisible(r) {
			return false
		}
	}
	return true
}

func invisible(r rune) bool {
	switch r {
	case '\u2800', '\u115f', '\u1160', '\u3164', '\uffa0':
		return true
	}
	return unicode.In(r, unicode.Z, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me) || unicode.IsSpace(r)
}

// OneOf checks that value is one of allowed; an empty value is checked
// only when required.
func OneOf(p *Problems, field, value string, required bool, allowed []string) {
	if value == "" {
		if required {
			p.Add(field, "is required (one of %s)", strings.Join(allowed, ", "))
		}
		return
	}
	for _, a := range allowed {
		if a == value {
			return
		}
	}
	p.Add(field, "%q is not one of %s", value, strings.Join(allowed, ", "))
}

// EarliestDate is the earliest business date palabre keeps, and the
// earliest a view may cover (core/read): a dialogue dated 1925 for 2025
// would otherwise stretch every open-ended monthly table to a century.
var EarliestDate = NewDate(1950, 1, 1)

// CheckDate checks a business date: required when asked, never after today
// nor before EarliestDate.
func CheckDate(p *Problems, field string, d Date, required bool, env Env) {
	switch {
	case d.IsZero():
		if required {
			p.Add(field, "is required")
		}
	case !env.Today.IsZero() && d.After(env.Today):
		p.Add(field, "is in the future (%s)", d)
	case d.Before(EarliestDate):
		p.Add(field, "is before %s, the earliest date kept (%s)", EarliestDate, d)
	}
}

// CheckRegion checks a region code against the reference data.
func CheckRegion(p *Problems, field, region string, required bool, env Env) {
	switch {
	case region == "":
		if required {
			p.Add(field, "is required")
		}
	case !env.Reference.HasRegion(region):
		p.Add(field, "%q is not a region of this deployment", region)
	}
}

// Decided returns evs, or the problems when there are any: the last line of
// every Decide.
func Decided[E any](p Problems, evs ...E) ([]E, error) {
	if err := p.Err(); err != nil {
		return nil, err
	}
	return evs, nil
}
