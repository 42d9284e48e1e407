// Command parley-load puts a running Parley server under concurrent load
// with its hot queries and reports requests per second and latencies, for
// BENCHMARKS.md. It only sends traffic to the address it is given, which
// must be on this machine; each run is bounded in time.
//
//	parley-load -url http://127.0.0.1:8080/query -size 100000 -c 16 -d 10s -q profile,typename -pid $PID
//
// With -actors N the queries that name the busiest actor (profile, path)
// name each of the N busiest in turn, so that a server which keeps whole
// answers executes most of them (N distinct answers to compute at each
// change of the graph) rather than answering one from memory.
//
// -size says how many assertions the served graph was generated with
// (parley gen), which fixes the ids the queries name. With -pid it reports
// the server's peak resident memory (VmHWM) at the end. With -healthz it
// also asks the server's /healthz every 50 ms during each run, on a
// connection of its own, and reports how long the answers took: what a
// load balancer's health check sees while the server is busy. With
// -healthz-control it asks another server's /healthz (an idle one) the
// same way at the same time: what the machine itself (its other
// processes, this program) adds to the latencies, whatever the server
// under load does.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-graph/parley/internal/bench"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/query", "the server's GraphQL `URL` (loopback only)")
	size := flag.Int("size", 10000, "assertions the served graph was generated with")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 10*time.Second, "how long to run each query")
	queries := flag.String("q", "profile,typename", "comma-separated query names: "+names())
	pid := flag.Int("pid", 0, "the server's process id, to report its peak memory")
	health := flag.Bool("healthz", false, "also time GET /healthz every 50 ms during each run")
	actors := flag.Int("actors", 1, "queries that name the busy actor name, request after request, each of the `N` busiest in turn (actor-000001 … actor-N): with N large, most requests are answered by execution, whatever a server keeps of answers")
	control := flag.String("healthz-control", "", "with -healthz, also time GET /healthz of this idle server's `URL` (loopback only), for comparison")
	flag.Parse()

	u, err := url.Parse(*target)
	if err != nil || !loopback(u.Hostname()) {
		fmt.Fprintln(os.Stderr, "parley-load: -url must be a loopback address (127.0.0.1, localhost, [::1])")
		os.Exit(2)
	}
	if *dur > 5*time.Minute {
		fmt.Fprintln(os.Stderr, "parley-load: -d is at most 5m")
		os.Exit(2)
	}
	if *control != "" {
		c, err := url.Parse(*control)
		if err != nil || !loopback(c.Hostname()) || !*health {
			fmt.Fprintln(os.Stderr, "parley-load: -healthz-control needs -healthz and a loopback URL")
			os.Exit(2)
		}
	}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	rps := map[string]float64{}
	if *actors > 1 {
		fmt.Printf("queries naming the busy actor name each of the %d busiest in turn\n", *actors)
	}
	fmt.Printf("%-14s %6s %10s %9s %9s %7s\n", "query", "conc", "req/s", "p50 ms", "p99 ms", "errors")
	for _, name := range strings.Split(*queries, ",") {
		q, err := bench.Text(name, *size)
		if err != nil {
			fmt.Fprintln(os.Stderr, "parley-load:", err)
			os.Exit(2)
		}
		if *actors < 1 {
			fmt.Fprintln(os.Stderr, "parley-load: -actors is at least 1")
			os.Exit(2)
		}
		// One body per actor named (the same body for all when the
		// query names none).
		var bodies [][]byte
		for a := 1; a <= *actors; a++ {
			text := strings.ReplaceAll(q, "actor-000001", fmt.Sprintf("actor-%06d", a))
			body, _ := json.Marshal(map[string]string{"query": text})
			bodies = append(bodies, body)
			if text == q && a == 1 && !strings.Contains(q, "actor-000001") {
				break
			}
		}
		var stop, stopControl func() result
		if *health {
			stop = probe(u.ResolveReference(&url.URL{Path: "/healthz"}).String(), 50*time.Millisecond)
		}
		if *control != "" {
			c, _ := url.Parse(*control)
			stopControl = probe(c.ResolveReference(&url.URL{Path: "/healthz"}).String(), 50*time.Millisecond)
		}
		r := run(client, *target, bodies, *conc, *dur)
		rps[name] = r.rps
		fmt.Printf("%-14s %6d %10.0f %9.2f %9.2f %7d\n", name, *conc, r.rps, r.p50, r.p99, r.errors)
		if stop != nil {
			h := stop()
			fmt.Printf("  /healthz during it: %d asked, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors\n", h.n, h.p50, h.p99, h.max, h.errors)
		}
		if stopControl != nil {
			h := stopControl()
			fmt.Printf("  the idle server's /healthz meanwhile: %d asked, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %d errors\n", h.n, h.p50, h.p99, h.max, h.errors)
		}
	}
	if a, b := rps["profile"], rps["typename"]; a > 0 && b > 0 {
		fmt.Printf("profile / typename: %.1f%% of the framework's ceiling\n", 100*a/b)
	}
	if *pid > 0 {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid)); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(line, "VmHWM:") || strings.HasPrefix(line, "VmRSS:") {
					fmt.Println("server", strings.Join(strings.Fields(line), " "))
				}
			}
		}
	}
}

func names() string {
	var out []string
	for _, q := range bench.Queries {
		out = append(out, q.Name)
	}
	return strings.Join(out, ", ")
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type result struct {
	rps, p50, p99, max float64
	n, errors          int
}

// probe asks target every interval, on a connection of its own, until the
// function it returns is called; that reports the latencies.
func probe(target string, every time.Duration) func() result {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	done := make(chan struct{})
	out := make(chan result)
	go func() {
		var lat []time.Duration
		bad := 0
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				out <- summarize(lat, bad, 0)
				return
			case <-tick.C:
			}
			start := time.Now()
			resp, err := client.Get(target)
			if err != nil {
				bad++
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				bad++
				continue
			}
			lat = append(lat, time.Since(start))
		}
	}()
	return func() result {
		close(done)
		return <-out
	}
}

// summarize sorts the latencies and reports them; d, if not 0, is the
// run's length, for the rate.
func summarize(lat []time.Duration, errors int, d time.Duration) result {
	if len(lat) == 0 {
		return result{errors: errors}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	r := result{n: len(lat), p50: ms(lat[len(lat)/2]), p99: ms(lat[len(lat)*99/100]), max: ms(lat[len(lat)-1]), errors: errors}
	if d > 0 {
		r.rps = float64(len(lat)) / d.Seconds()
	}
	return r
}

// run sends the bodies, one after the other, from conc clients for d, and
// measures.
func run(client *http.Client, target string, bodies [][]byte, conc int, d time.Duration) result {
	var next atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	errors := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				start := time.Now()
				body := bodies[int(next.Add(1)-1)%len(bodies)]
				resp, err := client.Post(target, "application/json", bytes.NewReader(body))
				if err != nil {
					bad++
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || bytes.Contains(b, []byte(`"errors"`)) {
					bad++
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			errors += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	return summarize(lat, errors, d)
}
