package participant_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"
	"pgregory.net/rapid"

	"github.com/palabre/palabre/events/domain"
	"github.com/palabre/palabre/events/domain/domaintest"
	"github.com/palabre/palabre/events/domain/participant"
)

// enrolled draws an Enrolled event: absent and empty fields, with and
// without a sealed identity.
func enrolled(t *rapid.T) participant.Enrolled {
	text := rapid.StringMatching(`[a-zA-Z0-9 éèàç'-]{0,12}`)
	var e participant.Enrolled
	p := &e.Profile
	p.Code, p.Sex, p.AgeBand, p.Displacement = text.Draw(t, "code"), text.Draw(t, "sex"), text.Draw(t, "ageBand"), text.Draw(t, "displacement")
	p.Constituency, p.Region, p.Locality = text.Draw(t, "constituency"), text.Draw(t, "region"), text.Draw(t, "locality")
	p.BirthYear = rapid.IntRange(-5, 3000).Draw(t, "birthYear")
	f := &p.Functioning
	f.Seeing, f.Hearing, f.Walking = text.Draw(t, "seeing"), text.Draw(t, "hearing"), text.Draw(t, "walking")
	f.Cognition, f.SelfCare, f.Communication = text.Draw(t, "cognition"), text.Draw(t, "selfCare"), text.Draw(t, "communication")
	if !rapid.Bool().Draw(t, "noGroups") {
		p.Groups = rapid.SliceOfN(text, 1, 3).Draw(t, "groups")
	}
	e.Consent = participant.Consent{Given: rapid.Bool().Draw(t, "given")}
	if !rapid.Bool().Draw(t, "noConsentDate") {
		e.Consent.On = domain.NewDate(rapid.IntRange(1990, 2040).Draw(t, "y"), time.Month(rapid.IntRange(1, 12).Draw(t, "m")), rapid.IntRange(1, 28).Draw(t, "d"))
	}
	if rapid.Bool().Draw(t, "sealed") {
		e.Identity = &participant.SealedIdentity{
			Nonce:      rapid.SliceOfN(rapid.Byte(), 0, 12).Draw(t, "nonce"),
			Ciphertext: rapid.SliceOfN(rapid.Byte(), 0, 80).Draw(t, "ciphertext"),
		}
	}
	return e
}

// TestHandDecodersDecodeWhatPalabreWrites: every enrolment and code claim
// palabre writes takes the fast path and decodes as encoding/json does.
func TestHandDecodersDecodeWhatPalabreWrites(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		data, err := json.Marshal(enrolled(t))
		if err != nil {
			t.Fatal(err)
		}
		if !new(participant.Enrolled).DecodeJSON(data) {
			t.Fatalf("the hand decoder gave up on %s", data)
		}
		domaintest.CheckFastDecoder[participant.Enrolled](t, data)

		var id [16]byte
		copy(id[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "participant"))
		id[0] &= 0x7 // a ULID's first character is 0–7
		text := rapid.StringMatching(`[a-zA-Z0-9 éèàç'-]{0,12}`)
		claim := participant.CodeClaimed{ParticipantID: ulid.ULID(id), Region: text.Draw(t, "region"), Code: text.Draw(t, "code")}
		if data, err = json.Marshal(claim); err != nil {
			t.Fatal(err)
		}
		if !new(participant.CodeClaimed).DecodeJSON(data) {
			t.Fatalf("the hand decoder gave up on %s", data)
		}
		domaintest.CheckFastDecoder[participant.CodeClaimed](t, data)
	})
}

// FuzzEnrolledHandDecoderAgreesWithEncodingJSON: whatever input the hand
// decoder accepts, encoding/json accepts too and decodes to the same value.
func FuzzEnrolledHandDecoderAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{"code":"GAO-0042","sex":"female","birthYear":2001,"functioning":{"walking":"a-lot-of-difficulty"},"displacement":"none","groups":["pastoralists"],"region":"gao","consent":{"given":true,"on":"2026-02-01"},"identity":{"nonce":"AAAAAAAAAAAAAAAA","ciphertext":"AAAAAAAAAAAAAAAAAAAAAA=="}}`,
		`{"functioning":{"seeing":"a"},"functioning":{"hearing":"b"}}`, `{"identity":{"nonce":""},"identity":{"ciphertext":"AA=="}}`,
		`{"identity":{"nonce":"A"}}`, `{"identity":{"nonce":"AA"}}`, `{"identity":{"nonce":"A=A="}}`, `{"identity":null}`,
		`{"Code":"x"}`, `{"groups":[]}`, `{"birthYear":1e3}`, `{"birthYear":9999999999}`, `{"consent":{"on":""}}`, `{"consent":{"on":"2026-02-30"}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		domaintest.CheckFastDecoder[participant.Enrolled](t, data)
	})
}

// FuzzCodeClaimedHandDecoderAgreesWithEncodingJSON is the same for code
// claims.
func FuzzCodeClaimedHandDecoderAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{
		`{"participantId":"01KAAAAAAAAAAAAAAAAAAAAAAA","region":"gao","code":"GAO-0042"}`,
		`{"participantId":""}`, `{"participantId":"8ZZZZZZZZZZZZZZZZZZZZZZZZZ"}`, `{"region":"g\u00e0o"}`, `{"code":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		domaintest.CheckFastDecoder[participant.CodeClaimed](t, data)
	})
}
