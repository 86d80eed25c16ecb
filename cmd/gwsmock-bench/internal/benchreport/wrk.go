package benchreport

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// wrkConnections is the keep-alive connections of the wrk figure.
const wrkConnections = 32

// wrkRows measures GET /me/interactions?fields=* of the in-process mock
// (request validation, auth, state and the journal on) and of a bare
// net/http handler serving the same bytes, with the same wrk command, in
// pairs whose order flips, and reports the median of the per-pair ratios.
func wrkRows(ctx context.Context, o Options) ([]Row, error) {
	const figure = "REST GET /api/v2/me/interactions?fields=* under wrk (agent holding 3 emails, Basic auth, validation, state and journal on)"
	const goal = "ratio ≥ 0.6"
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		return []Row{errorRow(figure, goal, errors.New("wrk is not installed (make bench installs Debian's package wrk)"))}, nil
	}
	b := &restBench{o: o}
	if err := b.open(); err != nil {
		return nil, err
	}
	defer b.close()
	getSample, err := b.getSample()
	if err != nil {
		return nil, err
	}
	bareURL, stop, err := bare(getSample)
	if err != nil {
		return nil, err
	}
	defer stop()
	secs := max(1, int((2*o.RESTDuration+time.Second/2)/time.Second))
	auth := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(b.getter.UserName+":"+b.getter.Password))
	args := func(base string) []string {
		return []string{"-t2", "-c" + strconv.Itoa(wrkConnections), "-d" + strconv.Itoa(secs) + "s", "-H", auth, base + "/api/v2/me/interactions?fields=*"}
	}
	run := func(base string) (float64, error) {
		out, err := exec.CommandContext(ctx, wrk, args(base)...).CombinedOutput()
		if err != nil {
			return 0, fmt.Errorf("wrk: %w: %s", err, out)
		}
		return parseWrk(out)
	}
	o.logf("wrk: warming up")
	for _, u := range []string{bareURL, b.mock.URL()} {
		if _, err := run(u); err != nil {
			return nil, err
		}
	}
	pairs := 2*o.Reps + 1
	var ms, bs, rs []float64
	for i := range pairs {
		o.logf("wrk: pair %d of %d", i+1, pairs)
		order := []string{bareURL, b.mock.URL()}
		if i%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		got := map[string]float64{}
		for _, u := range order {
			v, err := run(u)
			if err != nil {
				return nil, err
			}
			got[u] = v
		}
		m, bb := got[b.mock.URL()], got[bareURL]
		ms, bs, rs = append(ms, m), append(bs, bb), append(rs, m/bb)
	}
	ratio := median(rs)
	cmd := "wrk " + strings.Join(args("$URL"), " ")
	cmd = strings.Replace(cmd, auth, "Authorization: Basic …", 1)
	return []Row{{
		Figure: figure,
		Value:  fmt.Sprintf("%.0f req/s; bare net/http handler %.0f req/s; ratio **%.2f**", median(ms), median(bs), ratio),
		Goal:   goal, Pass: pass(ratio >= 0.6),
		Note: fmt.Sprintf("`%s`, $URL the in-process mock (journal on, default logger: none) or a bare handler in the same process copying its headers and %d-byte body; median of %d pairs, bare and mock back to back, order flipping; ratios of the pairs %s",
			cmd, len(getSample.body), pairs, ratios(rs)),
	}}, nil
}

// parseWrk reads the Requests/sec figure of wrk's report, and fails when
// wrk saw errors or non-2xx answers.
func parseWrk(out []byte) (float64, error) {
	s := string(out)
	for _, bad := range []string{"Non-2xx or 3xx responses:", "Socket errors:"} {
		if strings.Contains(s, bad) {
			return 0, fmt.Errorf("wrk reports failures: %s", strings.TrimSpace(s))
		}
	}
	for _, line := range strings.Split(s, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "Requests/sec:"); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no Requests/sec in wrk's report: %s", strings.TrimSpace(s))
}
