package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"gonghui/internal/activity"
	"gonghui/internal/congress"
	"gonghui/internal/contest"
	"gonghui/internal/contract"
	"gonghui/internal/course"
	"gonghui/internal/mailbox"
	"gonghui/internal/member"
	"gonghui/internal/org"
	"gonghui/internal/rights"
	"gonghui/internal/station"
	"gonghui/internal/stats"
	"gonghui/internal/survey"
	"gonghui/internal/works"
)

// statSources are the packages that keep figures (see internal/stats).
func statSources() []stats.Source {
	return []stats.Source{member.StatSource(), org.StatSource(), activity.StatSource(), course.StatSource(), contest.StatSource(), mailbox.StatSource(), survey.StatSource(), works.StatSource(), contract.StatSource(), station.StatSource(), rights.StatSource(), congress.StatSource()}
}

// cmdStats recounts every organisation's figures from the rows (rebuild),
// or compares the rollups with such a recount (check: exit 1 when any
// figure differs). Safe while servers run: changes committed meanwhile
// stay in the log and are folded on top.
func cmdStats(ctx context.Context, what string, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fs := flag.NewFlagSet("stats "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	setupLogging(cfg, stderr)
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		fmt.Fprintln(stderr, "gonghui:", err)
		return 1
	}
	defer d.Close()
	st := stats.NewStore(d)
	start := time.Now()
	switch what {
	case "rebuild":
		if err := st.Rebuild(ctx, statSources()...); err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 1
		}
		fmt.Fprintf(stdout, "recounted every organisation's figures in %s\n", time.Since(start).Round(time.Millisecond))
		return 0
	default:
		bad, err := st.Check(ctx, statSources()...)
		if err != nil {
			fmt.Fprintln(stderr, "gonghui:", err)
			return 1
		}
		if len(bad) == 0 {
			fmt.Fprintf(stdout, "all figures agree with a recount (%s)\n", time.Since(start).Round(time.Millisecond))
			return 0
		}
		for i, b := range bad {
			if i == 20 {
				fmt.Fprintf(stdout, "… and %d more\n", len(bad)-20)
				break
			}
			fmt.Fprintf(stdout, "org %d %s %s: rollup %d, recount %d\n", b.OrgID, b.Metric, b.Month, b.Rollup, b.Recount)
		}
		fmt.Fprintf(stdout, "%d figures differ; run gonghui stats rebuild\n", len(bad))
		return 1
	}
}
