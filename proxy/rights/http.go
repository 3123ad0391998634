package rights

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/veil-privacy/veil/proxy"
	"github.com/veil-privacy/veil/redact"
)

// maxBodyBytes bounds a request body: a rectification carries two values of at most
// vault.MaxValueLen bytes each, JSON-escaped.
const maxBodyBytes = 32 << 10

// Handler serves the subject-facing rights endpoints under /.veil/me/ on the public listener. The
// subject is the one the proxy identified (Veil's cookie): a person can only ever reach its own
// records. Every endpoint refuses cross-site requests (fetch metadata, Origin); those that change
// state must be JSON (no cross-site form can forge them). All are rate-limited per subject.
//
//	GET  /.veil/me/export?format=json|csv   everything Veil keeps about the subject (a download)
//	POST /.veil/me/erase[?mode=anonymize]   erase now; returns the receipt
//	POST /.veil/me/rectify                  {"type":"EMAIL","old":"…","new":"…"}
//	GET  /.veil/me/requests                 the subject's rights requests and their status
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	lim := proxy.NewSubjectLimiter(limitRate, limitBurst)
	mux.HandleFunc("GET /.veil/me/export", lim.Guard(s.getExport))
	mux.HandleFunc("POST /.veil/me/erase", lim.Guard(s.postErase))
	mux.HandleFunc("POST /.veil/me/rectify", lim.Guard(s.postRectify))
	mux.HandleFunc("GET /.veil/me/requests", lim.Guard(s.getRequests))
	return mux
}

// requesterOf is the subject's own request through the API.
func requesterOf(r *http.Request) Requester {
	by := Requester{Channel: ChannelAPI}
	if ex := proxy.ExchangeFrom(r.Context()); ex != nil {
		by.RequestID = ex.ID
	}
	return by
}

func subjectOf(r *http.Request) string {
	if ex := proxy.ExchangeFrom(r.Context()); ex != nil {
		return ex.Subject
	}
	return ""
}

func (s *Service) getExport(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return
	}
	x, err := s.Export(r.Context(), subjectOf(r), requesterOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := "veil-export-" + x.Generated.Format("20060102-150405")
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	var buf bytes.Buffer
	if format == "csv" {
		if err := x.WriteCSV(&buf); err != nil {
			s.fail(w, r, err)
			return
		}
		h.Set("Content-Type", "application/zip")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".zip"}))
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(x); err != nil {
			s.fail(w, r, err)
			return
		}
		h.Set("Content-Type", "application/json")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + ".json"}))
	}
	_, _ = w.Write(buf.Bytes())
}

func (s *Service) postErase(w http.ResponseWriter, r *http.Request) {
	mode, err := ParseMode(r.URL.Query().Get("mode"))
	if err != nil {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return
	}
	var body struct {
		Mode Mode `json:"mode"`
	}
	if !readJSON(w, r, &body, true) {
		return
	}
	if body.Mode != "" {
		if mode, err = ParseMode(string(body.Mode)); err != nil {
			proxy.WriteJSONError(w, http.StatusBadRequest)
			return
		}
	}
	rc, err := s.Erase(r.Context(), subjectOf(r), mode, requesterOf(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proxy.WriteJSON(w, http.StatusOK, rc)
}

func (s *Service) postRectify(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Type string `json:"type"`
		Old  string `json:"old"`
		New  string `json:"new"`
	}
	if !readJSON(w, r, &body, false) {
		return
	}
	t, err := redact.ParseType(body.Type)
	if err != nil || body.Old == "" || body.New == "" {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return
	}
	if err := s.Rectify(r.Context(), subjectOf(r), t, body.Old, body.New, requesterOf(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	proxy.WriteJSON(w, http.StatusOK, map[string]any{"rectified": true, "type": t.String()})
}

func (s *Service) getRequests(w http.ResponseWriter, r *http.Request) {
	sub := subjectOf(r)
	if checkSubject(sub) != nil {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return
	}
	reqs, err := s.Requests(r.Context(), sub)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	proxy.WriteJSON(w, http.StatusOK, map[string]any{"requests": reqs, "deadline_days": s.cfg.DeadlineDays})
}

// fail maps an error to a status, logging the cause (never a value: errors here carry none).
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusServiceUnavailable
	switch {
	case errors.Is(err, errBadInput):
		status = http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		status = http.StatusNotFound
	default:
		s.log.Error().Str(fieldRequestID, requesterOf(r).RequestID).AnErr(fieldError, err).Msg("data-subject request failed")
	}
	proxy.WriteJSONError(w, status)
}

// readJSON checks that a state-changing request is same-origin JSON within maxBodyBytes and
// decodes it; with optional set, an empty body is accepted too.
func readJSON(w http.ResponseWriter, r *http.Request, v any, optional bool) bool {
	if subjectOf(r) == "" {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return false
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		proxy.WriteJSONError(w, http.StatusUnsupportedMediaType)
		return false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(b) > maxBodyBytes {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return false
	}
	if optional && len(bytes.TrimSpace(b)) == 0 {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		proxy.WriteJSONError(w, http.StatusBadRequest)
		return false
	}
	return true
}
