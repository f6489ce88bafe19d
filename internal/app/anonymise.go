package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"gonghui/internal/member/privacy"
)

// Members' data after the retention period: a background sweep in the
// server, and `gonghui members anonymise` to run it (or see what it would
// do) by hand.

// anonymiseEvery is how often a server looks for memberships due.
const anonymiseEvery = time.Hour

// anonymiseSweep anonymises, once an hour, the memberships that ended more
// than --retention-years ago. One process at a time holds the sweep (a
// lease taken by a conditional update); the others skip their turn.
func (m *Main) anonymiseSweep(ctx context.Context) {
	if m.Config.RetentionYears < 1 {
		slog.Info("anonymisation after retention is off (--retention-years 0)")
		return
	}
	every(ctx, anonymiseEvery, func() {
		ok, err := privacy.ClaimSweep(ctx, m.Members, anonymiseEvery/2)
		if err != nil {
			slog.Warn("anonymise: claim", "err", err)
			return
		}
		if !ok {
			return
		}
		rep, err := privacy.Anonymise(ctx, m.Members, m.Config.RetentionYears, false)
		if err != nil {
			slog.Warn("anonymise", "err", err)
		}
		if rep != nil && rep.Anonymised > 0 {
			slog.Info("memberships anonymised after retention", "count", rep.Anonymised, "ended_before", rep.Cutoff)
		}
	})
}

// cmdMembers runs `gonghui members anonymise [--dry-run]`.
func cmdMembers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "anonymise" {
		return fmt.Errorf("usage: gonghui members anonymise [--dry-run] [--retention-years N] [--db DB]")
	}
	var cfg Config
	fs := flag.NewFlagSet("members anonymise", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "retention-years")
	dry := fs.Bool("dry-run", false, "only count the memberships due, change nothing")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	m, err := Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	rep, err := privacy.Anonymise(ctx, m.Members, cfg.RetentionYears, *dry)
	if err != nil {
		return err
	}
	if *dry {
		fmt.Fprintf(stdout, "%d memberships ended on or before %s are due for anonymising (dry run: nothing changed)\n", rep.Due, rep.Cutoff)
		return nil
	}
	fmt.Fprintf(stdout, "anonymised %d memberships ended on or before %s\n", rep.Anonymised, rep.Cutoff)
	return nil
}
