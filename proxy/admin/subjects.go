package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/veil-privacy/veil/audit"
	"github.com/veil-privacy/veil/proxy/rights"
	"github.com/veil-privacy/veil/redact"
)

// validSubjectID reports whether s has the shape of a subject id Veil gives out (proxy/subject.go):
// "c" (from Veil's cookie) or "h" (a keyed hash of an identity from a header or JSON field), then
// 32 lowercase hex digits. Anything else is refused before it reaches the store or the trail.
func validSubjectID(s string) bool {
	if len(s) != 33 || (s[0] != 'c' && s[0] != 'h') {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

var errBadSubject = errStatus(http.StatusBadRequest, `subject: not a Veil subject id ("c" or "h" and 32 hex digits, as shown in exports and /.veil/me/requests)`)

// subjectOf returns the {id} of a subject endpoint, validated.
func subjectOf(r *http.Request) (string, error) {
	id := r.PathValue("id")
	if !validSubjectID(id) {
		return "", errBadSubject
	}
	return id, nil
}

// requester is the administrator acting on a subject's behalf, as the rights service audits it.
func requester(r *http.Request, p principal) rights.Requester {
	c := callOf(r)
	return rights.Requester{RequestID: c.requestID, Channel: rights.ChannelAdmin, Actor: p.Actor, Role: string(p.Role), Reason: c.reason}
}

func (a *api) rights() (Rights, error) {
	if a.d.Rights == nil {
		return nil, errStatus(http.StatusNotImplemented, "data-subject requests are not available")
	}
	return a.d.Rights, nil
}

// rightsError maps an error of the rights service to what the client sees; the cause is kept for
// the log. Errors of the rights service never carry a value.
func rightsError(err error) error {
	switch {
	case errors.Is(err, rights.ErrBadInput):
		return errStatus(http.StatusBadRequest, "bad request: check the subject id, kind, mode, type and values")
	case errors.Is(err, rights.ErrNotFound):
		return errStatus(http.StatusNotFound, "the subject has no such value")
	case errors.Is(err, rights.ErrNoRequest):
		return errStatus(http.StatusNotFound, "the subject has no such request")
	case errors.Is(err, audit.ErrInvalidEvent):
		return &httpError{status: http.StatusBadRequest, msg: "the request could not be audited as given", cause: err}
	}
	// The store, the vault or the audit trail is down: a privacy dependency.
	return &httpError{status: http.StatusServiceUnavailable, msg: "the request could not be carried out; see Veil's log", cause: err}
}

// exportSubject handles POST /admin/v1/subjects/{id}/export[?format=json|csv]: everything Veil
// keeps about the subject, as JSON or as a zip of CSV files.
func (a *api) exportSubject(r *http.Request, p principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	subject, err := subjectOf(r)
	if err != nil {
		return result{}, err
	}
	format := r.URL.Query().Get("format")
	if format != "" && format != "json" && format != "csv" {
		return result{}, errStatus(http.StatusBadRequest, "format: json or csv")
	}
	x, err := rs.Export(r.Context(), subject, requester(r, p))
	if err != nil {
		return result{}, rightsError(err)
	}
	name := "veil-export-" + x.Generated.Format("20060102-150405")
	var buf bytes.Buffer
	f := &download{contentType: "application/json", filename: name + ".json"}
	if format == "csv" {
		err = x.WriteCSV(&buf)
		f.contentType, f.filename = "application/zip", name+".zip"
	} else {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		err = enc.Encode(x)
	}
	if err != nil {
		return result{}, &httpError{status: http.StatusInternalServerError, msg: http.StatusText(http.StatusInternalServerError), cause: err}
	}
	f.data = buf.Bytes()
	return result{status: http.StatusOK, subject: subject, file: f}, nil
}

// eraseSubject handles POST /admin/v1/subjects/{id}/erase[?mode=anonymize]; the body, when
// present, may carry "mode" and "reason". It answers the receipt.
func (a *api) eraseSubject(r *http.Request, p principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	subject, err := subjectOf(r)
	if err != nil {
		return result{}, err
	}
	var body struct {
		Mode   string `json:"mode"`
		Reason string `json:"reason"`
	}
	if err := decodeOptionalJSON(r, &body); err != nil {
		return result{}, err
	}
	m := r.URL.Query().Get("mode")
	if body.Mode != "" {
		m = body.Mode
	}
	mode, err := rights.ParseMode(m)
	if err != nil {
		return result{}, errStatus(http.StatusBadRequest, "mode: erase or anonymize")
	}
	rc, err := rs.Erase(r.Context(), subject, mode, requester(r, p))
	if err != nil {
		return result{}, rightsError(err)
	}
	return result{status: http.StatusOK, subject: subject, body: rc}, nil
}

// RectifyRequest is the body of POST /admin/v1/subjects/{id}/rectify: the value of type Type
// stored as Old becomes New, the subject's tokens unchanged.
type RectifyRequest struct {
	Type   string `json:"type"`
	Old    string `json:"old"`
	New    string `json:"new"`
	Reason string `json:"reason,omitempty"`
}

func (a *api) rectifySubject(r *http.Request, p principal) (result, error) {
	rs, err := a.rights()
	if err != nil {
		return result{}, err
	}
	subject, err := subjectOf(r)
	if err != nil {
		return result{}, err
	}
	var body RectifyRequest
	if err := decodeJSON(r, &body); err != nil {
		return result{}, err
	}
	t, err := redact.ParseType(body.Type)
	if err != nil {
		return result{}, errStatus(http.StatusBadRequest, "type: not a personal-data type (EMAIL, PHONE, …)")
	}
	if body.Old == "" || body.New == "" {
		return result{}, errStatus(http.StatusBadRequest, "old and new are required")
	}
	if err := rs.Rectify(r.Context(), subject, t, body.Old, body.New, requester(r, p)); err != nil {
		return result{}, rightsError(err)
	}
	return result{status: http.StatusOK, subject: subject, body: map[string]any{"rectified": true, "type": t.String()}}, nil
}

// decodeOptionalJSON is decodeJSON that accepts an empty body.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	b, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errStatus(http.StatusBadRequest, "body is not the expected JSON object")
	}
	return nil
}

// readBody reads a request body of at most maxBody bytes.
func readBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		return nil, errStatus(http.StatusBadRequest, "body unreadable or larger than 64 KiB")
	}
	return b, nil
}
