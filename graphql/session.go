package graphql

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/palabre/palabre/core/access"
)

// The web app signs in by exchanging a token for a session: POST /session
// {"token": "plb_…"} sets an HttpOnly, SameSite=Strict cookie (Secure
// over HTTPS, directly or through a trusted proxy: proxy.go) with the session's secret and answers who it is; GET /session
// answers who the cookie is; DELETE /session signs out. Requests made
// with the cookie must carry the CSRF header, which no other site can
// send without this server's leave (it gives none: no CORS). Bearer
// tokens keep working for scripts.

const (
	sessionCookie = "palabre_session"
	csrfHeader    = "X-Palabre-Csrf"
)

// errNoCSRF: a session cookie came without the CSRF header.
var errNoCSRF = errors.New("session cookie without the CSRF header")

// signedIn is who a session is, as the web app reads it.
type signedIn struct {
	Subject string `json:"subject"`
	// Token is the token's id (never its secret): the app sends a
	// device's unsent work only under the token that made it.
	Token   string    `json:"token"`
	Role    string    `json:"role"`
	Regions []string  `json:"regions"`
	Expires time.Time `json:"expires,omitzero"`
}

func signedInAs(who access.Principal, expires time.Time) signedIn {
	return signedIn{Subject: who.Subject, Token: who.TokenID, Role: string(who.Role), Regions: nonNilStrings(who.Regions), Expires: expires}
}

func (s *Server) serveSession(w http.ResponseWriter, r *http.Request) {
	x := s.begin(w, r)
	w.Header().Set("Cache-Control", "no-store")
	switch r.Method {
	case http.MethodPost:
		s.openSession(x, r)
	case http.MethodGet:
		who, err := s.authenticate(r)
		if err != nil {
			x.unauthenticated(err)
			return
		}
		writeJSON(w, http.StatusOK, signedInAs(who, time.Time{}))
	case http.MethodDelete:
		if _, err := s.authenticate(r); errors.Is(err, errNoCSRF) {
			x.unauthenticated(err) // signing out is a write, too
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil {
			if err := s.deps.Tokens.CloseSession(r.Context(), c.Value); err != nil {
				x.log.Error().Err(err).Msg("closing a session failed")
				x.fail(http.StatusInternalServerError, errInternal)
				return
			}
		}
		http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.overTLS(r), SameSite: http.SameSiteStrictMode})
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		x.fail(http.StatusMethodNotAllowed, refusalIn(readerLanguage(r), CodeBadUserInput, "", "use POST to sign in, GET to ask who is signed in, DELETE to sign out"))
	}
}

func (s *Server) openSession(x *exchange, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		x.fail(http.StatusUnsupportedMediaType, &coded{Code: CodeBadUserInput, Message: `send {"token": "plb_…"} as application/json`})
		return
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
	if err := dec.Decode(&body); err != nil || body.Token == "" {
		x.fail(http.StatusBadRequest, &coded{Code: CodeBadUserInput, Field: "token", Message: `send {"token": "plb_…"}`})
		return
	}
	secret, expires, who, err := s.deps.Tokens.OpenSession(r.Context(), strings.TrimSpace(body.Token), s.clientAddress(r))
	var paced *access.TooManySignIns
	switch {
	case errors.As(err, &paced):
		x.refusedToken("sign-ins paced")
		seconds := int(math.Ceil(paced.RetryAfter.Seconds()))
		x.w.Header().Set("Retry-After", strconv.Itoa(seconds))
		x.fail(http.StatusTooManyRequests, &coded{Code: CodeRateLimited, Message: tooManySignIns(paced.ByAddress, seconds, readerLanguage(r)), RetryAfter: seconds})
		return
	case errors.Is(err, access.ErrUnauthenticated):
		x.refusedToken(err.Error())
		x.fail(http.StatusUnauthorized, refusalIn(readerLanguage(r), CodeUnauthenticated, "token", "this token is not valid: mistyped, expired or revoked"))
		return
	case err != nil:
		x.log.Error().Err(err).Msg("opening a session failed")
		x.fail(http.StatusInternalServerError, errInternal)
		return
	}
	x.log.Info().Str("audit", "session opened").Str("subject", who.Subject).Str("token", who.TokenID).Msg("audit")
	http.SetCookie(x.w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", Expires: expires, HttpOnly: true,
		Secure: s.overTLS(r), SameSite: http.SameSiteStrictMode})
	writeJSON(x.w, http.StatusOK, signedInAs(who, expires))
}

// tooManySignIns says, in the reader's language, whose sign-ins were
// too many and when to try again.
func tooManySignIns(byAddress bool, seconds int, language string) string {
	if language == "fr" {
		whose := "avec ce jeton"
		if byAddress {
			whose = "depuis cette adresse"
		}
		return fmt.Sprintf("trop de tentatives de connexion %s : réessayez dans %d s", whose, seconds)
	}
	whose := "with this token"
	if byAddress {
		whose = "from this address"
	}
	return fmt.Sprintf("too many sign-in attempts %s: try again in %d s", whose, seconds)
}
