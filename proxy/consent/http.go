package consent

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/veil-privacy/veil/proxy"
)

// Handler serves the subject-facing consent endpoints under /.veil/ on the public listener. The
// subject is the one the proxy identified (Veil's cookie); requests that change state must be
// same-origin JSON (no cross-site form can forge them) and are rate-limited per subject.
//
//	GET    /.veil/consent            the subject's choices, the notice and its version
//	POST   /.veil/consent            {"purposes":{"marketing":true}}
//	DELETE /.veil/consent/{purpose}  withdraw consent (as easy as giving it)
//	POST   /.veil/objection          {"purpose":"marketing"}
func (m *Manager) Handler() http.Handler {
	mux := http.NewServeMux()
	lim := proxy.NewSubjectLimiter(5, 20)
	mux.HandleFunc("GET /.veil/consent", m.getConsent)
	mux.HandleFunc("POST /.veil/consent", lim.Guard(m.postConsent))
	mux.HandleFunc("DELETE /.veil/consent/{purpose}", lim.Guard(m.deleteConsent))
	mux.HandleFunc("POST /.veil/objection", lim.Guard(m.postObjection))
	return mux
}

// view is the JSON a subject gets back.
type view struct {
	NoticeVersion    string        `json:"notice_version"`
	Controller       string        `json:"controller"`
	PrivacyPolicyURL string        `json:"privacy_policy_url,omitempty"`
	Language         string        `json:"language"`
	Notice           string        `json:"notice"`
	Purposes         []purposeView `json:"purposes"`
	Objections       []string      `json:"objections"`
	NoticeShown      bool          `json:"notice_shown"`
}

type purposeView struct {
	Name        string `json:"name"`
	Required    bool   `json:"required"`
	Description string `json:"description"`
	Granted     bool   `json:"granted"`
	Since       string `json:"since,omitempty"`
}

func (m *Manager) render(w http.ResponseWriter, r *http.Request, s State) {
	lang, notice := m.cfg.NoticeText(r.Header.Get("Accept-Language"))
	v := view{NoticeVersion: m.version, Controller: m.cfg.Controller, PrivacyPolicyURL: m.cfg.PrivacyPolicyURL,
		Language: lang, Notice: notice, Objections: s.Objections, NoticeShown: s.NoticeShown}
	if v.Objections == nil {
		v.Objections = []string{}
	}
	for _, p := range m.cfg.Purposes {
		d := p.Description[lang]
		if d == "" {
			d = p.Description[m.cfg.DefaultLanguage]
		}
		pv := purposeView{Name: p.Name, Required: p.Required, Description: d}
		if c, ok := s.Purposes[p.Name]; ok {
			pv.Granted = c.Granted
			pv.Since = c.Time.Format("2006-01-02T15:04:05Z")
		}
		v.Purposes = append(v.Purposes, pv)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func subjectOf(r *http.Request) string {
	if ex := proxy.ExchangeFrom(r.Context()); ex != nil {
		return ex.Subject
	}
	return ""
}

func (m *Manager) getConsent(w http.ResponseWriter, r *http.Request) {
	sub := subjectOf(r)
	if sub == "" {
		m.render(w, r, State{Purposes: map[string]Choice{}})
		return
	}
	s, err := m.State(r.Context(), sub)
	if err != nil {
		proxy.WriteJSONError(w, http.StatusServiceUnavailable)
		return
	}
	m.render(w, r, s)
}

func (m *Manager) postConsent(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Purposes map[string]bool `json:"purposes"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if len(body.Purposes) == 0 {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return
	}
	s, err := m.Set(r.Context(), subjectOf(r), body.Purposes, channelOf(r))
	m.answer(w, r, s, err)
}

func (m *Manager) deleteConsent(w http.ResponseWriter, r *http.Request) {
	s, err := m.Set(r.Context(), subjectOf(r), map[string]bool{r.PathValue("purpose"): false}, ChannelAPI)
	m.answer(w, r, s, err)
}

func (m *Manager) postObjection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Purpose string `json:"purpose"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	s, err := m.Object(r.Context(), subjectOf(r), body.Purpose, channelOf(r))
	m.answer(w, r, s, err)
}

func (m *Manager) answer(w http.ResponseWriter, r *http.Request, s State, err error) {
	switch {
	case errors.Is(err, ErrUnknownPurpose):
		proxy.WriteJSONError(w, http.StatusBadRequest)
	case err != nil:
		proxy.WriteJSONError(w, http.StatusServiceUnavailable)
	default:
		m.render(w, r, s)
	}
}

// channelOf lets the banner say it is the banner; anything else is the API.
func channelOf(r *http.Request) Channel {
	if r.Header.Get("X-Veil-Channel") == string(ChannelBanner) {
		return ChannelBanner
	}
	return ChannelAPI
}

// readJSON checks that a state-changing request is same-origin JSON within 4 KiB and decodes it.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if !proxy.SameOrigin(r) {
		proxy.WriteJSONError(w, http.StatusForbidden)
		return false
	}
	if subjectOf(r) == "" {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		proxy.WriteJSONError(w, http.StatusUnsupportedMediaType)
		return false
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return false
	}
	return true
}
