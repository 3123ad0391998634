package demobot

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestRasaREST(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	tests := []struct {
		desc       string
		body       string
		wantStatus int
		want       []rasaReply
		wantError  bool
	}{
		{
			desc:       "echoes the message to the sender",
			body:       `{"sender":"alice","message":"hello there"}`,
			wantStatus: http.StatusOK,
			want:       []rasaReply{{RecipientID: "alice", Text: "You said: hello there"}},
		},
		{
			desc:       "keeps non-ASCII text intact",
			body:       `{"sender":"bob","message":"Grüße, 東京 👋"}`,
			wantStatus: http.StatusOK,
			want:       []rasaReply{{RecipientID: "bob", Text: "You said: Grüße, 東京 👋"}},
		},
		{
			desc:       "missing sender becomes default, like Rasa",
			body:       `{"message":"hi"}`,
			wantStatus: http.StatusOK,
			want:       []rasaReply{{RecipientID: "default", Text: "You said: hi"}},
		},
		{
			desc:       "bad JSON is a 400 with a JSON error",
			body:       `{"sender":`,
			wantStatus: http.StatusBadRequest,
			wantError:  true,
		},
		{
			desc:       "wrong type is a 400",
			body:       `{"sender":"a","message":42}`,
			wantStatus: http.StatusBadRequest,
			wantError:  true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			res, body := do(t, http.MethodPost, srv.URL+"/webhooks/rest/webhook", tc.body,
				http.Header{"Content-Type": {"application/json"}})
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", res.StatusCode, tc.wantStatus, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if tc.wantError {
				var e struct{ Error string }
				if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
					t.Fatalf("error body = %s, want {\"error\":...} (%v)", body, err)
				}
				return
			}
			var got []rasaReply
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("decoding reply: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("reply = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	res, _ := do(t, http.MethodGet, srv.URL+"/webhooks/rest/webhook", "", nil)
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET on the webhook: status %d, want 405", res.StatusCode)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	_, srv := newTestServer(t, Config{})
	res, _ := do(t, http.MethodGet, srv.URL+"/healthz", "", nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("status = %d, want 200", res.StatusCode)
	}
}
