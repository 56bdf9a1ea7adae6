package jetstore

import (
	"strings"
	"testing"
)

func TestStreamNamesMapToOneTokenAndBack(t *testing.T) {
	for _, name := range []string{
		"participant-01J0000000000000000000000", "a.b", "*", ">", "with space", "Tombouctou – Ségou", "~7E", "tab\tx", strings.Repeat("é", 100),
	} {
		token := subjectToken(name)
		if strings.ContainsAny(token, ".*> \t\r\n") {
			t.Errorf("%q encodes as %q, not a single safe token", name, token)
		}
		back, err := streamName(token)
		if err != nil || back != name {
			t.Errorf("%q -> %q -> %q, %v", name, token, back, err)
		}
	}
	for _, bad := range []string{"~", "~4", "~ZZ"} {
		if _, err := streamName(bad); err == nil {
			t.Errorf("%q decoded without an error", bad)
		}
	}
}

func TestBodiesRoundTrip(t *testing.T) {
	body := encodeBody("Type\nodd", []byte(`{"a":1}`), []byte(`{"m":2}`))
	typ, data, md, err := decodeBody(body)
	if err != nil || typ != "Type\nodd" || string(data) != `{"a":1}` || string(md) != `{"m":2}` {
		t.Fatalf("got %q %s %s %v", typ, data, md, err)
	}
	if _, _, _, err := decodeBody(body[:3]); err == nil {
		t.Fatal("a truncated body decoded")
	}
}
