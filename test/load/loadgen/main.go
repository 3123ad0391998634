// Command loadgen sends a fixed JSON POST to a URL, either as fast as possible (closed loop) or at a
// fixed rate (open loop, latency measured from each request's scheduled time), and prints requests/s
// and latency percentiles as one JSON line. It only targets loopback addresses.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "", "target URL (loopback only)")
	bodyFile := flag.String("body", "", "request body file (JSON); empty sends a GET")
	conns := flag.Int("c", 32, "concurrent connections")
	dur := flag.Duration("d", 10*time.Second, "measurement duration")
	warm := flag.Duration("warmup", 2*time.Second, "warm-up duration, not measured")
	rate := flag.Int("rate", 0, "requests per second; 0 means as fast as possible")
	label := flag.String("label", "", "label printed with the result")
	consentURL := flag.String("consent-url", "", "if set, each connection is one subject (own cookie jar) that first POSTs consent to support here")
	firstByte := flag.Bool("first-byte", false, "measure latency to the first response body byte (SSE time to first event) instead of the whole response")
	cpuPID := flag.Int("cpu-pid", 0, "if set, also report this process's CPU time per measured request (Linux /proc)")
	clkTck := flag.Int("clk-tck", 100, "clock ticks per second of /proc/PID/stat times (getconf CLK_TCK)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || !isLoopback(u.Hostname()) {
		fmt.Fprintln(os.Stderr, "loadgen: -url must be an http(s) URL on a loopback address")
		os.Exit(2)
	}
	var body []byte
	if *bodyFile != "" {
		if body, err = os.ReadFile(*bodyFile); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(2)
		}
	}
	tr := &http.Transport{
		MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns, ForceAttemptHTTP2: false,
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13}, // loopback benchmark
		TLSNextProto:    map[string]func(string, *tls.Conn) http.RoundTripper{},              // HTTP/1.1, one request per connection at a time
	}
	newClient := func() (*http.Client, error) {
		c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		if *consentURL == "" {
			return c, nil
		}
		c.Jar, _ = cookiejar.New(nil)
		req, _ := http.NewRequest("POST", *consentURL, strings.NewReader(`{"purposes":{"support":true}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", u.Scheme+"://"+u.Host)
		res, err := c.Do(req)
		if err != nil {
			return nil, err
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			return nil, fmt.Errorf("consent: status %d", res.StatusCode)
		}
		return c, nil
	}
	send := func(client *http.Client, t0 time.Time) (time.Duration, error) {
		req, _ := http.NewRequest("GET", *target, nil)
		if body != nil {
			req, _ = http.NewRequest("POST", *target, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		var lat time.Duration
		if *firstByte {
			var one [1]byte
			if _, err := io.ReadFull(res.Body, one[:]); err != nil {
				return 0, err
			}
			lat = time.Since(t0)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		if !*firstByte {
			lat = time.Since(t0)
		}
		if res.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		return lat, nil
	}
	clients := make([]*http.Client, *conns)
	for i := range clients {
		if clients[i], err = newClient(); err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	}
	run(send, clients, *warm, *rate)
	cpu0 := cpuTicks(*cpuPID)
	lat, errs, elapsed := run(send, clients, *dur, *rate)
	cpu1 := cpuTicks(*cpuPID)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	out := map[string]any{
		"label": *label, "url": *target, "rate": *rate, "conns": *conns,
		"requests": len(lat), "errors": errs, "rps": float64(len(lat)) / elapsed.Seconds(),
		"p50_ms": pct(.50), "p90_ms": pct(.90), "p99_ms": pct(.99), "max_ms": pct(1),
	}
	if *cpuPID > 0 && cpu0 >= 0 && cpu1 >= 0 && len(lat) > 0 {
		out["server_cpu_us_per_req"] = float64(cpu1-cpu0) / float64(*clkTck) * 1e6 / float64(len(lat))
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

// cpuTicks returns the user + system CPU time of process pid in clock ticks (-1 when unknown).
func cpuTicks(pid int) int64 {
	if pid <= 0 {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// Fields after the command name (which may hold spaces) start after its closing parenthesis;
	// utime and stime are fields 14 and 15 of the line, 12 and 13 after it.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return -1
	}
	var u, s int64
	if _, err := fmt.Sscan(f[11], &u); err != nil {
		return -1
	}
	if _, err := fmt.Sscan(f[12], &s); err != nil {
		return -1
	}
	return u + s
}

// run sends for d and returns the latencies of successful requests, the error count and the time taken.
func run(send func(*http.Client, time.Time) (time.Duration, error), clients []*http.Client, d time.Duration, rate int) ([]time.Duration, int64, time.Duration) {
	conns := len(clients)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	var sched chan time.Time
	if rate > 0 {
		sched = make(chan time.Time, conns*4)
		go func() {
			// Release every request that is due by now, stamped with its due time, so a slow
			// server shows up as latency (no coordinated omission) and the rate does not drift.
			defer close(sched)
			interval := time.Second / time.Duration(rate)
			for sent := 0; ctx.Err() == nil; {
				due := int(time.Since(start)/interval) + 1 // request k is due at start + k*interval
				for ; sent < due; sent++ {
					select {
					case sched <- start.Add(time.Duration(sent) * interval):
					case <-ctx.Done():
						return
					}
				}
				time.Sleep(min(interval/4, 50*time.Microsecond))
			}
		}()
	}
	for i := 0; i < conns; i++ {
		wg.Add(1)
		client := clients[i]
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<14)
			for {
				var t0 time.Time
				if sched != nil {
					var ok bool
					if t0, ok = <-sched; !ok {
						break
					}
				} else {
					if ctx.Err() != nil {
						break
					}
					t0 = time.Now()
				}
				d, err := send(client, t0)
				if err != nil {
					errs.Add(1)
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all, errs.Load(), time.Since(start)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
