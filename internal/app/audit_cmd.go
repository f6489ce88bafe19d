package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/pii"
)

// keysAndAudit opens the key file of a command that writes to d and keys
// the audit chain with it; the caller closes the chain.
func keysAndAudit(ctx context.Context, d *db.DB, cfg Config) (*pii.Keyring, *audit.Chain, error) {
	keys, err := cfg.OpenKeys(ctx, d)
	if err != nil {
		return nil, nil, err
	}
	chain, err := attachAudit(ctx, d, cfg, keys, 0)
	if err != nil {
		return nil, nil, err
	}
	return keys, chain, nil
}

// attachAudit keys d's audit chain with a key derived from the key file
// (which the database does not hold) and sets where checkpoints go. Every
// process that writes to the database must do this, or its entries are
// unkeyed and `audit verify` reports them.
func attachAudit(ctx context.Context, d *db.DB, cfg Config, keys *pii.Keyring, interval time.Duration) (*audit.Chain, error) {
	if cfg.AuditAnchorEvery < 0 {
		return nil, errors.New("--audit-anchor-every: a number of entries (0: the default, 100)")
	}
	c, err := audit.Attach(d, audit.Options{
		Key: keys.DeriveKey(audit.KeyLabel), Hash: keys.MACHash(),
		AnchorFile: cfg.AuditAnchor, AnchorEvery: int64(cfg.AuditAnchorEvery), AnchorInterval: interval,
	})
	if err != nil {
		return nil, err
	}
	if interval > 0 {
		// A server keys a log written before the upgrade and anchors the
		// state it starts from.
		err := audit.SignHead(ctx, d)
		if err == nil {
			err = c.AnchorHead(ctx, d)
		}
		if err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// Exit codes of `gonghui audit verify`, one per kind of failure, so that a
// monitoring job can tell them apart.
const (
	verifyIntact    = 0 // every check passed
	verifyEdited    = 1 // entries edited, removed from the middle, or recomputed
	verifyCannot    = 2 // could not check: usage, database, key file, unreadable anchor file
	verifyTruncated = 3 // the end was cut off, the head moved, or an older copy restored
	verifyBadAnchor = 4 // a checkpoint's signature is wrong: forged, or another key
)

func verifyExit(problems []audit.Problem) int {
	code := verifyIntact
	for _, p := range problems {
		c := verifyEdited
		switch p.Code {
		case "head", "head_mac", "anchor", "truncated":
			c = verifyTruncated
		case "anchor_mac":
			c = verifyBadAnchor
		case "nokey":
			c = verifyCannot
		}
		// Edited entries are the gravest finding and win; then a cut.
		if code == verifyIntact || rank(c) < rank(code) {
			code = c
		}
	}
	return code
}

func rank(code int) int {
	switch code {
	case verifyEdited:
		return 0
	case verifyTruncated:
		return 1
	case verifyBadAnchor:
		return 2
	}
	return 3
}

func cmdAuditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var cfg Config
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "key-file", "key-profile")
	anchor := fs.String("anchor", os.Getenv("GONGHUI_AUDIT_ANCHOR"), "anchor file (or a server log) with the chain's signed checkpoints; without it a restored older copy cannot be told from the latest (env GONGHUI_AUDIT_ANCHOR)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: gonghui audit verify [--db DB] [--key-file K] [--anchor FILE]\n\nExit status: 0 intact; 1 entries edited, removed or recomputed; 2 could not check;\n3 the newest entries cut off (head moved, older copy); 4 a checkpoint's signature is wrong.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return verifyCannot
	}
	fail := func(err error) int {
		fmt.Fprintln(stderr, "gonghui:", err)
		return verifyCannot
	}
	var opt audit.VerifyOptions
	if *anchor != "" {
		f, err := os.Open(*anchor)
		if err != nil {
			return fail(fmt.Errorf("--anchor: %w", err))
		}
		opt.Checkpoints, err = audit.ReadCheckpoints(f)
		f.Close()
		if err != nil {
			return fail(fmt.Errorf("--anchor %s: %w", *anchor, err))
		}
	}
	d, err := db.Open(ctx, cfg.DB, db.Options{MaxConns: 2})
	if err != nil {
		return fail(err)
	}
	defer d.Close()
	if err := d.CheckSchema(ctx); err != nil {
		return fail(err)
	}
	// Checking must not make a key file: a missing one is an error here.
	var keys *pii.Keyring
	if cfg.KeyFile != "" && os.Getenv("GONGHUI_KEYS") == "" {
		keys, err = pii.Load(cfg.KeyFile)
	} else {
		keys, err = cfg.OpenKeys(ctx, d)
	}
	if err != nil {
		return fail(err)
	}
	if opt.Key, err = audit.NewVerifier(keys.DeriveKey(audit.KeyLabel), keys.MACHash()); err != nil {
		return fail(err)
	}
	r, err := audit.Check(ctx, d, opt)
	if err != nil {
		return fail(err)
	}
	macs := 0
	for _, p := range r.Problems {
		fmt.Fprintf(stdout, "entry %d: [%s] %s\n", p.Seq, p.Code, p.Reason)
		if p.Code == "hash" {
			macs++
		}
	}
	if r.Keyed > 0 && int64(macs) >= r.Keyed {
		fmt.Fprintln(stdout, "every keyed entry fails its check: is --key-file this installation's key file?")
	}
	summary := fmt.Sprintf("%d entries (%d keyed, %d from before keying)", r.Entries, r.Keyed, r.Entries-r.Keyed)
	if *anchor != "" {
		summary += fmt.Sprintf(", %d checkpoints", r.Checkpoints)
	} else {
		summary += ", no anchor file given (--anchor): a restored older copy would pass"
	}
	if len(r.Problems) > 0 {
		fmt.Fprintf(stdout, "audit log BROKEN: %s, %d problems\n", summary, len(r.Problems))
		return verifyExit(r.Problems)
	}
	fmt.Fprintf(stdout, "audit log intact: %s\n", summary)
	return verifyIntact
}
