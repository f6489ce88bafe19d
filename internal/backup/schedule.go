package backup

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/db"
)

// Scheduled backups: every server started with --backup-every looks now
// and then whether a backup is due, and one of them takes the turn. The
// turn is a settings row, as the anonymisation sweep's lease is
// (privacy.ClaimSweep): "<until, ms, 20 digits> <holder>", taken by one
// conditional UPDATE (value < now), so however many processes look at
// once, one wins. While it backs up, the holder renews it; when done it
// sets the row to the time the next backup is due. A holder that dies
// leaves a lease that runs out, and another process takes the turn.
const (
	settingLease  = "backup.lease"
	settingLastOK = "backup.last_ok" // "<ms>" of the last complete scheduled backup
)

// retryAfter is how long after a failed backup the next try may start.
const retryAfter = 10 * time.Minute

// Schedule runs backups every Every into Options.Dir, keeping Keep.
type Schedule struct {
	DB      *db.DB
	Every   time.Duration
	Keep    int
	Options Options
	// Lease is how long a turn holds without renewal (default 10 minutes).
	Lease time.Duration
	// Command is how the server was told to make them, for the audit
	// entries ("gonghui serve --backup-every 24h"); the entry's run_by is
	// the process that took the turn.
	Command string
	// Done is told of each scheduled backup this process made, or its failure.
	Done   func(*Result, error)
	holder string
}

func pad(ms int64) string { return fmt.Sprintf("%020d", ms) }

func (s *Schedule) now() time.Time {
	if s.Options.Now != nil {
		return s.Options.Now()
	}
	return time.Now()
}

func (s *Schedule) lease() time.Duration {
	if s.Lease > 0 {
		return s.Lease
	}
	return 10 * time.Minute
}

// holderID names this process in the lease row, for people reading it.
func (s *Schedule) holderID() string {
	if s.holder == "" {
		host, _ := os.Hostname()
		var b [4]byte
		_, _ = rand.Read(b[:])
		s.holder = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	return s.holder
}

// claim takes the turn when a backup is due and nobody holds it; it
// returns the lease value held, "" when not taken.
func (s *Schedule) claim(ctx context.Context) (string, error) {
	if _, err := s.DB.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING", settingLease, pad(0)); err != nil {
		return "", fmt.Errorf("backup lease: %w", err)
	}
	now := s.now()
	mine := pad(now.Add(s.lease()).UnixMilli()) + " " + s.holderID()
	// "<until> <holder>" sorts below pad(now+1) exactly when until <= now.
	res, err := s.DB.Exec(ctx, "UPDATE settings SET value = ? WHERE name = ? AND value < ?", mine, settingLease, pad(now.UnixMilli()+1))
	if err != nil {
		return "", fmt.Errorf("backup lease: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return "", err
	}
	return mine, nil
}

// move replaces the lease value held by a new one until t; false when
// another process took it meanwhile (ours had run out).
func (s *Schedule) move(ctx context.Context, held *string, t time.Time) (bool, error) {
	next := pad(t.UnixMilli()) + " " + s.holderID()
	res, err := s.DB.Exec(ctx, "UPDATE settings SET value = ? WHERE name = ? AND value = ?", next, settingLease, *held)
	if err != nil {
		return false, fmt.Errorf("backup lease: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	*held = next
	return true, nil
}

// Tick makes a backup if one is due and no other process is making it,
// then deletes the backups beyond Keep. It reports whether it made one.
func (s *Schedule) Tick(ctx context.Context) (bool, error) {
	held, err := s.claim(ctx)
	if err != nil || held == "" {
		return false, err
	}
	started := s.now()
	renewCtx, stop := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(s.lease() / 3)
		defer t.Stop()
		for {
			select {
			case <-renewCtx.Done():
				return
			case <-t.C:
				if ok, err := s.move(renewCtx, &held, s.now().Add(s.lease())); err != nil || !ok {
					slog.Warn("backup: could not renew the turn; another process may start a backup too", "err", err)
				}
			}
		}
	}()
	res, err := Create(ctx, s.DB, s.Options)
	stop()
	<-renewed
	run := Run{Command: s.Command, By: s.holderID()}
	if err != nil {
		if _, merr := s.move(ctx, &held, s.now().Add(retryAfter)); merr != nil {
			err = errors.Join(err, merr)
		}
		if aerr := RecordFailed(ctx, s.DB, run, s.Options.Dir, err); aerr != nil {
			err = errors.Join(err, fmt.Errorf("backup: audit the failure: %w", aerr))
		}
		return false, err
	}
	// The time of the last success and the audit entry commit together: a
	// backup the metric counts is one the log shows.
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			settingLastOK, strconv.FormatInt(s.now().UnixMilli(), 10)); err != nil {
			return err
		}
		return recordMadeTx(ctx, tx, run, res)
	})
	if err != nil {
		return true, fmt.Errorf("backup: record its time and audit entry: %w", err)
	}
	if _, err := s.move(ctx, &held, started.Add(s.Every)); err != nil {
		return true, err
	}
	removed, err := Prune(s.Options.Dir, s.Keep)
	for _, p := range removed {
		slog.Info("backup: removed an old backup (retention)", "path", p, "keep", s.Keep)
	}
	if s.Done != nil {
		s.Done(res, nil)
	}
	return true, err
}

// Run looks for a due backup every minute (or every quarter of Every if
// shorter) until ctx ends, logging what happens.
func (s *Schedule) Run(ctx context.Context) {
	look := min(time.Minute, max(s.Every/4, time.Second))
	t := time.NewTicker(look)
	defer t.Stop()
	for {
		start := time.Now()
		made, err := s.Tick(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			slog.Error("scheduled backup failed", "dir", s.Options.Dir, "err", err)
			if s.Done != nil {
				s.Done(nil, err)
			}
		case made:
			slog.Info("scheduled backup made", "dir", s.Options.Dir, "seconds", time.Since(start).Seconds())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// LastSuccess is when the last scheduled backup, by any process, ended
// (zero when none has yet).
func LastSuccess(ctx context.Context, d *db.DB) (time.Time, error) {
	var v string
	err := d.QueryRow(ctx, "SELECT value FROM settings WHERE name = ?", settingLastOK).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("backup: %s holds %q", settingLastOK, v)
	}
	return time.UnixMilli(ms), nil
}
