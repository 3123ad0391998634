package proxy

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veil-privacy/veil/store/embedded"
)

// sseBenchPieces is what a language model streams: a few bytes per event, no personal data.
var sseBenchPieces = strings.Fields("Our store in the city centre opens at nine in the morning and closes at " +
	"seven in the evening from Monday to Saturday, and the winter collection is online.")

// sseBenchGap is the time between two events of the benchmark bot: longer than an event takes
// through either proxy, so every event the client reads was released by the bot's latest one.
const sseBenchGap = 2 * time.Millisecond

// BenchmarkSSEEventLatency measures how long a streamed event takes from the bot's flush to the
// client's read, through the bare httputil proxy and through Veil's pipeline, where each event is
// scanned and its tokens restored. Veil holds back the trailing word of an event (it could be the
// start of an e-mail or a name) until the next event shows how it continues, so what a client
// reads after the bot's flush of event n is the held-back end of event n-1 and the start of event
// n: the latency is counted from that flush. Events are sseBenchGap apart; b.N is the number of
// events read, over streams of len(sseBenchPieces) pieces.
func BenchmarkSSEEventLatency(b *testing.B) {
	var sent atomic.Int64 // UnixNano of the bot's latest flush
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		for i, piece := range sseBenchPieces {
			if i > 0 {
				piece = " " + piece
			}
			fmt.Fprintf(w, "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", piece)
			sent.Store(time.Now().UnixNano())
			fl.Flush()
			select {
			case <-time.After(sseBenchGap):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprint(w, "data: [DONE]\n\n")
		sent.Store(time.Now().UnixNano())
	}))
	defer up.Close()
	run := func(b *testing.B, url string) {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar}
		lat := make([]time.Duration, 0, b.N)
		body := `{"model":"m","stream":true,"messages":[{"role":"user","content":"When do you open?"}]}`
		b.ResetTimer()
		for len(lat) < b.N {
			res, err := client.Post(url, "application/json", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				line := sc.Text()
				if !strings.HasPrefix(line, "data: {") {
					continue
				}
				lat = append(lat, time.Duration(time.Now().UnixNano()-sent.Load()))
			}
			res.Body.Close()
		}
		b.StopTimer()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	}
	b.Run("httputil", func(b *testing.B) {
		srv := httptest.NewServer(bareProxy(up.URL))
		defer srv.Close()
		run(b, srv.URL+"/chat")
	})
	b.Run("veil-embedded", func(b *testing.B) {
		st, err := embedded.Open(filepath.Join(b.TempDir(), "veil.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		srv, _ := benchPipeline(b, st, up.URL)
		run(b, srv.URL+"/chat")
	})
}
