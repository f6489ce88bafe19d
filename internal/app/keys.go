package app

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/errs"
	"gonghui/internal/pii"
)

// The database remembers which keys it was sealed with, in settings rows:
// the installation's key check value, each data key's check value, and the
// data key every process seals new values with. None of them is a key.
const (
	settingKCV      = "keys.check"
	settingKeyCheck = "keys.check." // + key id
	settingCurrent  = "keys.current"
)

// keyWatchEvery is how often a server looks for a rotation made by `gonghui
// keys rotate`; the rotation waits a little longer than this between steps.
const keyWatchEvery = 5 * time.Second

// OpenKeys loads the keyring for database d and checks it against what the
// database recorded, so a missing, wrong or outdated key file stops the
// process before it seals anything: a new key on an existing database would
// make every sealed value unreadable and every keyed hash miss (one person,
// two memberships). A fresh database, with no sealed data yet, needs no
// set-up: the key file is made and its check value recorded.
func (c *Config) OpenKeys(ctx context.Context, d *db.DB) (*pii.Keyring, error) {
	source := c.keySource()
	if os.Getenv("GONGHUI_KEYS") == "" {
		if _, err := os.Stat(c.keyPath()); errors.Is(err, fs.ErrNotExist) {
			sealed, err := holdsSealedData(ctx, d)
			if err != nil {
				return nil, err
			}
			if sealed {
				return nil, errs.Invalid("keys_missing", "keys.missing", c.keyPath(), dbName(c.DB))
			}
		}
	}
	k, err := c.Keys()
	if err != nil {
		return nil, err
	}
	if err := checkKeys(ctx, d, k, source, dbName(c.DB)); err != nil {
		return nil, err
	}
	return k, nil
}

// keySource names where the keys come from, for messages.
func (c *Config) keySource() string {
	if os.Getenv("GONGHUI_KEYS") != "" {
		return "GONGHUI_KEYS"
	}
	return c.keyPath()
}

// dbName is the database for messages, without a password.
func dbName(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// holdsSealedData reports whether anything in d was sealed or hashed with a
// key: then a new key file must not be made for it.
func holdsSealedData(ctx context.Context, d *db.DB) (bool, error) {
	for _, q := range []string{
		"SELECT 1 FROM settings WHERE name = '" + settingKCV + "' OR name LIKE 'card.signing_key.%'",
		"SELECT 1 FROM members",
		"SELECT 1 FROM join_applications",
		"SELECT 1 FROM users WHERE totp_secret <> ''",
	} {
		var one int
		err := d.QueryRow(ctx, q+" LIMIT 1").Scan(&one)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, fmt.Errorf("keys: look for sealed data: %w", err)
		}
	}
	return false, nil
}

// readKeySettings returns the key settings of d by name.
func readKeySettings(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (*sql.Rows, error)
}) (map[string]string, error) {
	rows, err := q.Query(ctx, "SELECT name, value FROM settings WHERE name = ? OR name = ? OR name LIKE ? ESCAPE '\\'", settingKCV, settingCurrent, db.Like(settingKeyCheck)+"%")
	if err != nil {
		return nil, fmt.Errorf("keys: read key settings: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, v string
		if err := rows.Scan(&n, &v); err != nil {
			return nil, err
		}
		out[n] = v
	}
	return out, rows.Err()
}

// checkKeys compares k with the check values recorded in d, records what is
// missing (first start, or keys added by a rotation), and makes k seal with
// the key the database names current.
func checkKeys(ctx context.Context, d *db.DB, k *pii.Keyring, source, dbn string) error {
	return d.Tx(ctx, func(tx *db.Tx) error {
		set, err := readKeySettings(ctx, tx)
		if err != nil {
			return err
		}
		if want, ok := set[settingKCV]; ok {
			if !pii.EqualCheck(want, k.CheckValue()) {
				return errs.Invalid("keys_mismatch", "keys.mismatch", source, dbn, k.CheckValue(), want)
			}
		} else if err := probeSealed(ctx, tx, k, source, dbn); err != nil {
			return err
		}
		mine := k.KeyCheckValues()
		for name, want := range set {
			id, ok := strings.CutPrefix(name, settingKeyCheck)
			if !ok {
				continue
			}
			got, have := mine[id]
			if !have {
				return errs.Invalid("keys_outdated", "keys.outdated", source, id, dbn)
			}
			if !pii.EqualCheck(got, want) {
				return errs.Invalid("keys_key_differs", "keys.key_differs", source, id, dbn)
			}
		}
		ins := "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING"
		if _, err := tx.Exec(ctx, ins, settingKCV, k.CheckValue()); err != nil {
			return fmt.Errorf("keys: record check value: %w", err)
		}
		for id, v := range mine {
			if _, err := tx.Exec(ctx, ins, settingKeyCheck+id, v); err != nil {
				return fmt.Errorf("keys: record check value: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, ins, settingCurrent, k.Current()); err != nil {
			return fmt.Errorf("keys: record current key: %w", err)
		}
		// Another process may have recorded first: what is in the table now
		// decides.
		after, err := readKeySettings(ctx, tx)
		if err != nil {
			return err
		}
		if !pii.EqualCheck(after[settingKCV], k.CheckValue()) {
			return errs.Invalid("keys_mismatch", "keys.mismatch", source, dbn, k.CheckValue(), after[settingKCV])
		}
		for id, v := range mine {
			if !pii.EqualCheck(after[settingKeyCheck+id], v) {
				return errs.Invalid("keys_key_differs", "keys.key_differs", source, id, dbn)
			}
		}
		return k.UseCurrent(after[settingCurrent])
	})
}

// probeSealed is for a database sealed before check values were recorded:
// before recording this keyring's, it must open a sealed ID number there.
func probeSealed(ctx context.Context, tx *db.Tx, k *pii.Keyring, source, dbn string) error {
	var id int64
	var sealed string
	err := tx.QueryRow(ctx, "SELECT id, id_sealed FROM members ORDER BY id LIMIT 1").Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("keys: probe: %w", err)
	}
	if _, err := k.Open(sealed, memberIDAAD(id)); err != nil {
		return errs.Invalid("keys_mismatch", "keys.not_opening", source, dbn)
	}
	return nil
}

// watchKeys makes a running server follow `gonghui keys rotate` made by
// another process: it loads keys the database knows and it does not from
// the key file, and switches to the key the database names current.
func (m *Main) watchKeys(ctx context.Context) {
	k := m.Members.Keys
	t := time.NewTicker(keyWatchEvery)
	defer t.Stop()
	warned := ""
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := followKeys(ctx, m.DB, k, m.Config); err != nil && err.Error() != warned {
			warned = err.Error()
			slog.Error("keys: cannot follow a rotation; copy the current key file here (it is looked for again every few seconds)", "err", err)
		}
	}
}

// followKeys is one look of watchKeys.
func followKeys(ctx context.Context, d *db.DB, k *pii.Keyring, cfg Config) error {
	set, err := readKeySettings(ctx, d)
	if err != nil {
		return err
	}
	mine := k.KeyCheckValues()
	for name, want := range set {
		id, ok := strings.CutPrefix(name, settingKeyCheck)
		if !ok {
			continue
		}
		if _, have := mine[id]; !have {
			if os.Getenv("GONGHUI_KEYS") != "" {
				return fmt.Errorf("key %s was added by a rotation but this process reads GONGHUI_KEYS", id)
			}
			if err := k.Reload(cfg.keyPath()); err != nil {
				return err
			}
			mine = k.KeyCheckValues()
			slog.Info("keys: loaded a key added by a rotation", "key", id)
		}
		if got, have := mine[id]; !have {
			return fmt.Errorf("the key file %s lacks key %s", cfg.keyPath(), id)
		} else if !pii.EqualCheck(got, want) {
			return fmt.Errorf("the key file %s holds another key under id %s", cfg.keyPath(), id)
		}
	}
	if cur := set[settingCurrent]; cur != "" && cur != k.Current() {
		if err := k.UseCurrent(cur); err != nil {
			return err
		}
		slog.Info("keys: sealing new values with the rotated key", "key", cur)
	}
	return nil
}

// cmdKeys runs "keys check", "keys rotate" and "keys rewrap".
func cmdKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "check" && args[0] != "rotate" && args[0] != "rewrap") {
		return errors.New("usage: gonghui keys check|rotate|rewrap [--db DB] [--key-file K]")
	}
	var cfg Config
	fs := flag.NewFlagSet("keys "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.Bind(fs, "db", "log-level", "log-format", "key-file", "key-profile")
	grace := fs.Duration("grace", 3*keyWatchEvery, "rotate: how long running servers get to load the new key, then to switch to it")
	batch := fs.Int("batch", 500, "rotate, rewrap: values re-sealed per transaction")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	setupLogging(cfg, stderr)
	if *batch < 1 || *batch > 10000 {
		return errors.New("--batch: 1 … 10,000")
	}
	d, err := openDB(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	// Keyed like every writer's, or the rotation's entry would be unkeyed
	// after keyed ones, which audit verify reports as a forgery.
	k, chain, err := keysAndAudit(ctx, d, cfg)
	if err != nil {
		return err
	}
	defer chain.Close()
	switch args[0] {
	case "check":
		return keysCheck(ctx, d, k, cfg, stdout)
	case "rotate":
		if err := keysRotate(ctx, d, k, cfg, *grace, stdout); err != nil {
			return err
		}
	}
	return rewrapAll(ctx, d, k, *batch, stdout)
}

// keysCheck prints the check values and how many values each key seals.
func keysCheck(ctx context.Context, d *db.DB, k *pii.Keyring, cfg Config, w io.Writer) error {
	fmt.Fprintf(w, "keys:        %s (profile %s)\n", cfg.keySource(), k.Profile())
	fmt.Fprintf(w, "check value: %s (matches the database)\n", k.CheckValue())
	counts, err := countSealed(ctx, d)
	if err != nil {
		return err
	}
	kcv := k.KeyCheckValues()
	for _, id := range k.KeyIDs() {
		mark := " "
		if id == k.Current() {
			mark = "*"
		}
		fmt.Fprintf(w, "key %s %-6s check %s  seals %d values\n", mark, id, kcv[id], counts[id])
	}
	var other []string
	for id, n := range counts {
		if _, ok := kcv[id]; !ok {
			other = append(other, fmt.Sprintf("%s (%d values)", id, n))
		}
	}
	sort.Strings(other)
	if len(other) > 0 {
		return fmt.Errorf("values sealed with keys this key file lacks: %s", strings.Join(other, ", "))
	}
	fmt.Fprintln(w, "(* seals new values)")
	return nil
}

// keysRotate adds a key to the key file, gives running servers time to
// load it, makes it current and gives them time to switch: a value sealed
// under the new key is then readable by every process.
func keysRotate(ctx context.Context, d *db.DB, k *pii.Keyring, cfg Config, grace time.Duration, w io.Writer) error {
	if os.Getenv("GONGHUI_KEYS") != "" {
		return errors.New("keys rotate writes a key file: run it with --key-file, then put the new file's content in GONGHUI_KEYS of every process and restart them")
	}
	old := k.Current()
	id, err := k.Rotate(cfg.keyPath())
	if err != nil {
		return err
	}
	// Seal with the old key until every process can open the new one.
	if err := k.UseCurrent(old); err != nil {
		return err
	}
	kcv := k.KeyCheckValues()[id]
	fmt.Fprintf(w, "added key %s to %s (check value %s)\n", id, cfg.keyPath(), kcv)
	// A server started meanwhile may have recorded it already, from the file.
	if _, err := d.Exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", settingKeyCheck+id, kcv); err != nil {
		return fmt.Errorf("keys: record the new key: %w", err)
	}
	wait(ctx, w, grace, "for running servers to load it")
	err = d.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE settings SET value = ? WHERE name = ?", id, settingCurrent); err != nil {
			return err
		}
		var root string
		if err := tx.QueryRow(ctx, "SELECT path FROM orgs WHERE depth = 0").Scan(&root); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "keys.rotate", Entity: "key", EntityID: id, OrgPath: root,
			Before: map[string]string{"current": old}, After: map[string]string{"current": id, "check": kcv}})
	})
	if err != nil {
		return fmt.Errorf("keys: make %s current: %w", id, err)
	}
	if err := k.UseCurrent(id); err != nil {
		return err
	}
	fmt.Fprintf(w, "key %s seals new values from now on\n", id)
	wait(ctx, w, grace, "for running servers to switch to it")
	return nil
}

func wait(ctx context.Context, w io.Writer, d time.Duration, why string) {
	if d <= 0 {
		return
	}
	fmt.Fprintf(w, "waiting %s %s\n", d, why)
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
