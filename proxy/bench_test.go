package proxy

import (
	"bytes"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchBody is a 1 KB JSON chat message.
var benchBody = []byte(`{"sender":"bench","message":"` + strings.Repeat("Hello, what are the opening hours of the store? ", 21)[:990] + `"}`)

func benchUpstream(b *testing.B) *httptest.Server {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"recipient_id":"bench","text":"ok"}]`))
	}))
	b.Cleanup(srv.Close)
	return srv
}

func runClient(b *testing.B, url string) { runChatClient(b, url, benchBody) }

// runChatClient posts body to url from parallel clients, each with its own cookie jar (one
// subject per client, as browsers are).
func runChatClient(b *testing.B, url string, body []byte) {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.SetParallelism(8) // 16 concurrent clients on 2 cores, like the load script's connections
	b.ResetTimer()
	cpu0 := processCPU(b)
	defer func() { reportCPU(b, cpu0) }()
	b.RunParallel(func(pb *testing.PB) {
		jar, _ := cookiejar.New(nil)
		client := &http.Client{Transport: tr, Jar: jar}
		for pb.Next() {
			res, err := client.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != 200 {
				b.Errorf("status %d", res.StatusCode)
				return
			}
		}
	})
}

// BenchmarkChatPassThrough compares Veil's chat path (body read, decoded, handed to no-op hooks,
// forwarded) with a bare httputil.ReverseProxy on the same loopback upstream, in the same run.
// The allocations counted include the client's and the upstream's.
func BenchmarkChatPassThrough(b *testing.B) {
	up := benchUpstream(b)
	b.Run("httputil", func(b *testing.B) {
		srv := httptest.NewServer(bareProxy(up.URL))
		defer srv.Close()
		runClient(b, srv.URL+"/chat")
	})
	b.Run("veil", func(b *testing.B) {
		cfg := testConfig(up.URL)
		cfg.Limits = Limits{}
		if err := cfg.Validate(); err != nil {
			b.Fatal(err)
		}
		p, err := New(cfg, Options{})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(p)
		defer srv.Close()
		runClient(b, srv.URL+"/chat")
	})
}

// bareProxy is the baseline: a plain httputil.ReverseProxy to upstream.
func bareProxy(upstream string) http.Handler {
	u, _ := url.Parse(upstream)
	return &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(u) },
		Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		ErrorLog:  log.New(io.Discard, "", 0), // streams cut short when a benchmark ends
	}
}

// BenchmarkReadBody measures reading and decoding a chat body, plain and gzip.
func BenchmarkReadBody(b *testing.B) {
	lim := Limits{MaxBodyBytes: 1 << 20, MaxDecodedBytes: 4 << 20}
	for _, tc := range []struct {
		desc, enc string
		body      []byte
	}{{"identity", "", benchBody}, {"gzip", "gzip", gz(benchBody)}} {
		b.Run(tc.desc, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(benchBody)))
			for i := 0; i < b.N; i++ {
				r, _ := http.NewRequest("POST", "/chat", bytes.NewReader(tc.body))
				r.Header.Set("Content-Type", "application/json")
				if tc.enc != "" {
					r.Header.Set("Content-Encoding", tc.enc)
				}
				if _, _, err := readBody(r, lim); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// runSequentialClient posts body b.N times from one client over one keep-alive connection and
// reports the latency percentiles.
func runSequentialClient(b *testing.B, url string, body []byte) {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Transport: &http.Transport{}, Jar: jar}
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		res, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// processCPU is the CPU time the test process has used so far (user + system).
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds cpu-µs/op: the CPU time of the whole process (client, proxy and upstream) per
// request since cpu0. Unlike ns/op it does not count waiting (for an fsync, or for a core
// another job holds), so it compares runs on a busy machine better.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}
