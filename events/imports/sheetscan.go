package imports

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/palabre/palabre/events/domain"
)

// A worksheet is most of a workbook's bytes (~60 MB for 10,000
// submissions), and encoding/xml allocated ten times that while reading
// one, most of the reading's time and of its heap. A sheet's XML is
// simple: elements, attributes, text, entities, and perhaps a comment,
// CDATA or a processing instruction. sheetScanner reads exactly that,
// reusing one buffer; the runs guard in front of it bounds every tag and
// text, so the buffer never outgrows a cell's limit.

// xmlToken is what sheetScanner.next found.
type xmlToken int

const (
	xmlText  xmlToken = iota // text between tags (entities not yet decoded)
	xmlStart                 // <name attrs> or <name attrs/> (then selfClosing)
	xmlEnd                   // </name>
)

type sheetScanner struct {
	r           *bufio.Reader
	buf         []byte // the current tag or text, valid until next
	name        []byte // the tag's local name (its prefix dropped)
	attrs       []byte // the tag's attributes, raw
	selfClosing bool
	pendingTag  bool // a '<' was read: a tag comes next
}

func newSheetScanner(r io.Reader, size int) *sheetScanner {
	return &sheetScanner{r: bufio.NewReaderSize(r, size)}
}

// next reads the next token; io.EOF at the end.
func (s *sheetScanner) next() (xmlToken, error) {
	for {
		if !s.pendingTag {
			text, err := s.r.ReadSlice('<')
			if err == nil {
				s.pendingTag = true
				text = text[:len(text)-1]
			} else if !errors.Is(err, io.EOF) || len(text) == 0 {
				return 0, err
			}
			if len(text) > 0 {
				s.buf = append(s.buf[:0], text...)
				return xmlText, nil
			}
			if !s.pendingTag {
				return 0, io.EOF
			}
		}
		s.pendingTag = false
		tok, skip, err := s.tag()
		if err != nil || !skip {
			return tok, err
		}
	}
}

// tag reads a tag after its '<'; skip is true for a comment, CDATA,
// declaration or processing instruction (CDATA in a sheet's values is
// not written by any spreadsheet program palabre knows; it is refused
// rather than misread).
func (s *sheetScanner) tag() (tok xmlToken, skip bool, err error) {
	s.buf = s.buf[:0]
	var quote byte
	for {
		part, err := s.r.ReadSlice('>')
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, false, err
		}
		s.buf = append(s.buf, part...)
		for _, c := range part { // a '>' inside a quoted attribute value does not end the tag
			switch {
			case quote == 0 && (c == '"' || c == '\''):
				quote = c
			case c == quote:
				quote = 0
			}
		}
		if quote == 0 && s.complete() {
			break
		}
	}
	body := s.buf[:len(s.buf)-1]
	switch {
	case bytes.HasPrefix(body, []byte("![CDATA[")):
		return 0, false, domain.Reject("file", "a sheet holds CDATA, which palabre does not read: save the workbook again from Excel or LibreOffice")
	case len(body) > 0 && (body[0] == '?' || body[0] == '!'):
		return 0, true, nil
	case len(body) > 0 && body[0] == '/':
		s.name = local(bytes.TrimSpace(body[1:]))
		return xmlEnd, false, nil
	}
	s.selfClosing = len(body) > 0 && body[len(body)-1] == '/'
	if s.selfClosing {
		body = body[:len(body)-1]
	}
	end := bytes.IndexAny(body, " \t\r\n")
	if end < 0 {
		end = len(body)
	}
	s.name, s.attrs = local(body[:end]), body[end:]
	return xmlStart, false, nil
}

// complete reports whether the buffer ends a tag: a comment only at
// "-->", anything else at its first unquoted '>'.
func (s *sheetScanner) complete() bool {
	if bytes.HasPrefix(s.buf, []byte("!--")) {
		return len(s.buf) >= 6 && bytes.HasSuffix(s.buf, []byte("-->"))
	}
	return true
}

// local drops a name's namespace prefix ("x:row" → "row").
func local(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// attr is the current tag's attribute by its local name, decoded; "" when
// absent.
func (s *sheetScanner) attr(name string) string {
	a := s.attrs
	for {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return ""
		}
		key := local(bytes.TrimSpace(a[:eq]))
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return ""
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return ""
		}
		value := a[1 : 1+end]
		if string(key) == name {
			return unescape(value)
		}
		a = a[2+end:]
	}
}

// unescape decodes XML's entities and line ends in text or an
// attribute's value.
func unescape(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return string(b)
	}
	return string(appendUnescaped(nil, b))
}

// appendUnescaped appends b to out, its entities and line ends decoded.
func appendUnescaped(out, b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 && bytes.IndexByte(b, '\r') < 0 {
		return append(out, b...)
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\r': // XML reads \r\n and a lone \r as \n
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
		case c == '&':
			end := bytes.IndexByte(b[i:], ';')
			if end < 0 {
				out = append(out, c)
				continue
			}
			if r, ok := entity(b[i+1 : i+end]); ok {
				out = utf8.AppendRune(out, r)
				i += end
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "amp":
		return '&', true
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if len(name) > 1 && name[0] == '#' {
		base, digits := 10, name[1:]
		if digits[0] == 'x' || digits[0] == 'X' {
			base, digits = 16, digits[1:]
		}
		n, err := strconv.ParseUint(string(digits), base, 32)
		if err == nil && utf8.ValidRune(rune(n)) {
			return rune(n), true
		}
	}
	return 0, false
}
