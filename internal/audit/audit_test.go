package audit_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"gonghui/internal/audit"
	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// keyed attaches a chain with a fresh key to d, anchoring every 5 entries
// to a file, with the checkpoints' log lines in logs.
func keyed(t *testing.T, d *db.DB, logs *bytes.Buffer) (*audit.Chain, string) {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	file := filepath.Join(t.TempDir(), "anchor.log")
	lg := slog.New(slog.NewTextHandler(logs, nil))
	c, err := audit.Attach(d, audit.Options{Key: key, AnchorFile: file, AnchorEvery: 5, Logger: lg})
	if err != nil {
		t.Fatal(err)
	}
	return c, file
}

// keyedLog keys d's chain, writes n events (see record) and closes the
// chain, which writes its last checkpoint; it returns the chain and its
// anchor file.
func keyedLog(t *testing.T, d *db.DB, logs *bytes.Buffer, n int) (*audit.Chain, string) {
	t.Helper()
	c, file := keyed(t, d, logs)
	record(t, d, n, "member.update")
	c.Close()
	return c, file
}

// record writes n events, one transaction each; every third transaction
// holds two events, as a change with its reveal would.
func record(t *testing.T, d *db.DB, n int, action string) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			ev := audit.Event{Action: action, Entity: "member", EntityID: strconv.Itoa(i), OrgPath: "/1/2/", After: map[string]int{"i": i}}
			if err := audit.Record(ctx, tx, ev); err != nil {
				return err
			}
			if i%3 == 2 {
				ev.Action = "pii.reveal"
				return audit.Record(ctx, tx, ev)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func anchors(t *testing.T, file string) []audit.Checkpoint {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cps, err := audit.ReadCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	return cps
}

func codes(ps []audit.Problem) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.Code)
	}
	return strings.Join(s, ",")
}

func has(ps []audit.Problem, code string) bool {
	for _, p := range ps {
		if p.Code == code {
			return true
		}
	}
	return false
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

type row struct {
	seq, at                                                             int64
	actor                                                               sql.NullInt64
	name, ip, action, entity, entityID, path, before, after, prev, hash string
}

func rows(t *testing.T, d *db.DB) []row {
	t.Helper()
	rs, err := d.Query(context.Background(), "SELECT seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY seq")
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.seq, &r.at, &r.actor, &r.name, &r.ip, &r.action, &r.entity, &r.entityID, &r.path, &r.before, &r.after, &r.prev, &r.hash); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// plainHash is the unkeyed SHA-256 the chain used before it was keyed,
// which anyone who reads the source can compute.
func plainHash(r row) string {
	h := sha256.New()
	actor := ""
	if r.actor.Valid {
		actor = db.FormatID(r.actor.Int64)
	}
	for _, f := range []string{strconv.FormatInt(r.seq, 10), strconv.FormatInt(r.at, 10), actor, r.name, r.ip, r.action, r.entity, r.entityID, r.path, r.before, r.after, r.prev} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rewrite is the attack without the key: drop the entries that drop says,
// renumber the rest gap-free and recompute the chain with plain SHA-256.
// Rows are written back with the old code's column list (so mac_version
// falls to its default, 0) when asOld, else updated in place.
func rewrite(t *testing.T, d *db.DB, drop func(row) bool, asOld bool) {
	t.Helper()
	var keep []row
	for _, r := range rows(t, d) {
		if !drop(r) {
			keep = append(keep, r)
		}
	}
	prev := ""
	exec(t, d, "DELETE FROM audit_log")
	for i := range keep {
		r := &keep[i]
		r.seq, r.prev = int64(i+1), prev
		r.hash = plainHash(*r)
		prev = r.hash
		var actor any
		if r.actor.Valid {
			actor = r.actor.Int64
		}
		q := `INSERT INTO audit_log (seq, at, actor_id, actor_name, ip, action, entity, entity_id, org_path, before_json, after_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
		if !asOld {
			q = strings.Replace(strings.Replace(q, "hash)", "hash, mac_version)", 1), "?)", "?, 1)", 1)
		}
		exec(t, d, q, r.seq, r.at, actor, r.name, r.ip, r.action, r.entity, r.entityID, r.path, r.before, r.after, r.prev, r.hash)
	}
	exec(t, d, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", int64(len(keep)), prev)
}

// An untouched log verifies, with every checkpoint found, from the anchor
// file and from the server's log lines alike.
func TestUntouchedLogVerifies(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		var logs bytes.Buffer
		_, file := keyedLog(t, d, &logs, 23)
		cps := anchors(t, file)
		if len(cps) < 5 || cps[len(cps)-1].Seq != 30 {
			t.Fatalf("checkpoints %+v, want one every 5 entries and the last (30) at close", cps)
		}
		r, err := audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: cps})
		if err != nil || len(r.Problems) != 0 || r.Entries != 30 || r.Keyed != 30 || r.Checkpoints != len(cps) {
			t.Fatalf("untouched log: %+v %v", r, err)
		}
		fromLog, err := audit.ReadCheckpoints(&logs)
		if err != nil || len(fromLog) != len(cps) {
			t.Fatalf("checkpoints in the log: %d (%v), in the file %d\n%s", len(fromLog), err, len(cps), logs.String())
		}
		if r, err := audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: fromLog}); err != nil || len(r.Problems) != 0 {
			t.Fatalf("with the log's checkpoints: %+v %v", r, err)
		}
		// The stored hashes are keyed: plain SHA-256 of the content differs.
		if rs := rows(t, d); plainHash(rs[0]) == rs[0].hash {
			t.Fatal("entries are still hashed with plain SHA-256")
		}
	})
}

// Deleting the newest entries and moving the head back to the last one
// kept passed the old check. The head's signature gives it away; an attacker
// who had saved an older signed head (or restores an older copy) is caught
// by the anchor file.
func TestTruncationDetected(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		var logs bytes.Buffer
		c, file := keyed(t, d, &logs)
		record(t, d, 12, "member.update") // 16 entries
		var seq int64
		var hash, mac string
		if err := d.QueryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1").Scan(&seq, &hash, &mac); err != nil {
			t.Fatal(err)
		}
		record(t, d, 10, "pii.reveal") // to 29
		c.Close()
		cps := anchors(t, file)

		exec(t, d, "DELETE FROM audit_log WHERE seq > ?", seq)
		exec(t, d, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, hash)
		_, problems, err := audit.Verify(ctx, d)
		if err != nil || !has(problems, "head_mac") {
			t.Fatalf("head moved back without the key: problems %s (%v)", codes(problems), err)
		}
		r, err := audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: cps})
		if err != nil || !has(r.Problems, "truncated") {
			t.Fatalf("with the anchor file: %s (%v)", codes(r.Problems), err)
		}

		// The next change does not cover it up: the chain records that
		// the head was wrong, under the key.
		record(t, d, 1, "member.update")
		r, err = audit.Check(ctx, d, audit.VerifyOptions{Key: c, Checkpoints: []audit.Checkpoint{}})
		if err != nil || !has(r.Problems, "head_mac") || len(r.Problems) != 1 {
			t.Fatalf("written on after the head moved back: %s (%v)", codes(r.Problems), err)
		}
		if rs := rows(t, d); rs[seq].action != audit.ActionHeadInvalid {
			t.Fatalf("entry %d is %s", seq+1, rs[seq].action)
		}
		exec(t, d, "DELETE FROM audit_log WHERE seq > ?", seq)
		exec(t, d, "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", seq, hash)

		// With the head signature saved at entry 16 the database alone
		// looks whole; the checkpoints up to 29 do not, whether from the
		// anchor file the chain writes (Verify, as the web page) or given.
		exec(t, d, "UPDATE audit_head SET mac = ? WHERE id = 1", mac)
		if _, problems, _ := audit.Verify(ctx, d); codes(problems) != "truncated" {
			t.Fatalf("a replayed head signature: %s", codes(problems))
		}
		r, err = audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: cps})
		if err != nil || !has(r.Problems, "truncated") {
			t.Fatalf("replayed head with the anchor file: %s (%v)", codes(r.Problems), err)
		}
	})
}

// Deleting every pii.reveal entry and recomputing the chain with plain
// SHA-256, as the old code hashed, passed the old check.
func TestRecomputedChainDetected(t *testing.T) {
	for _, asOld := range []bool{false, true} {
		t.Run(fmt.Sprintf("old_columns=%v", asOld), func(t *testing.T) {
			testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				var logs bytes.Buffer
				c, file := keyedLog(t, d, &logs, 15)
				cps := anchors(t, file)
				rewrite(t, d, func(r row) bool { return r.action == "pii.reveal" }, asOld)
				var n int
				if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = 'pii.reveal'").Scan(&n); err != nil || n != 0 {
					t.Fatalf("reveals left: %d %v", n, err)
				}
				_, problems, err := audit.Verify(ctx, d)
				if err != nil || len(problems) == 0 {
					t.Fatalf("a recomputed chain passed (%v)", err)
				}
				want := "hash" // keyed entries whose MAC is plain SHA-256
				if asOld {
					want = "head_mac" // all unkeyed now, but the head is not signed
				}
				if !has(problems, want) {
					t.Fatalf("problems %s, want %s", codes(problems), want)
				}
				r, err := audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: cps})
				if err != nil || !has(r.Problems, "anchor") && !has(r.Problems, "truncated") {
					t.Fatalf("with the anchor file: %s (%v)", codes(r.Problems), err)
				}
				// Signing the forged head needs the key: with another key
				// the head, and the checkpoints, still fail.
				other, _ := keyed(t, d, &logs)
				if err := audit.SignHead(ctx, d); err != nil {
					t.Fatal(err)
				}
				other.Close()
				r, err = audit.Check(ctx, d, audit.VerifyOptions{Key: c, Checkpoints: cps})
				if err != nil || !has(r.Problems, "anchor") && !has(r.Problems, "truncated") || !has(r.Problems, "hash") && !has(r.Problems, "head_mac") {
					t.Fatalf("signed with another key: %s (%v)", codes(r.Problems), err)
				}
			})
		})
	}
}

// A log written before the chain was keyed keeps verifying by its plain
// hashes, followed by keyed entries; an unkeyed entry after keyed ones, or
// a checkpoint with a forged signature, is reported.
func TestUnkeyedThenKeyed(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		open := func() *db.DB { return testkit.OpenDSN(t, dsn) }
		d := open() // no key: the old code's entries
		record(t, d, 6, "org.update")
		if _, problems, err := audit.Verify(ctx, d); err != nil || len(problems) != 0 {
			t.Fatalf("unkeyed log: %s %v", codes(problems), err)
		}
		var logs bytes.Buffer
		c, file := keyed(t, d, &logs)
		r, err := audit.Check(ctx, d, audit.VerifyOptions{})
		if err != nil || !has(r.Problems, "head_mac") {
			t.Fatalf("unsigned head of an unkeyed log, checked with the key: %s %v", codes(r.Problems), err)
		}
		if err := audit.SignHead(ctx, d); err != nil {
			t.Fatal(err)
		}
		record(t, d, 6, "org.update")
		c.Close()
		cps := anchors(t, file)
		r, err = audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: cps})
		if err != nil || len(r.Problems) != 0 || r.Entries != 17 || r.Keyed != 9 {
			t.Fatalf("unkeyed then keyed: %+v %v", r, err)
		}
		rs := rows(t, d)
		if rs[8].action != "audit.keyed" || plainHash(rs[7]) != rs[7].hash {
			t.Fatalf("switch-over at entry 9: %+v", rs[8])
		}

		// A process without the key writes after keyed entries.
		record(t, open(), 1, "org.update")
		if _, problems, _ := audit.Verify(ctx, d); !has(problems, "unkeyed") || !has(problems, "head_mac") {
			t.Fatalf("unkeyed after keyed: %s", codes(problems))
		}

		forged := cps[len(cps)-1]
		forged.Seq += 5
		r, _ = audit.Check(ctx, d, audit.VerifyOptions{Checkpoints: []audit.Checkpoint{forged}})
		if !has(r.Problems, "anchor_mac") || has(r.Problems, "truncated") {
			t.Fatalf("forged checkpoint: %s", codes(r.Problems))
		}
	})
}

// Checkpoints are read from the anchor file and from a server's log in
// either format, skipping the log's other lines; a mangled one is an error.
func TestReadCheckpoints(t *testing.T) {
	in := strings.Join([]string{
		`time=2026-01-02T03:04:05Z level=INFO msg="gonghui listening" url=http://x/`,
		`time=2026-01-02T03:04:05Z level=INFO msg="audit checkpoint" seq=5 hash=aa at=1700 mac=bb`,
		`{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"http","path":"/mac","q":"mac"}`,
		`{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"audit checkpoint","seq":10,"hash":"cc","at":1800,"mac":"dd"}`,
		`{"seq":15,"hash":"ee","at":1900,"mac":"ff"}`,
		``,
	}, "\n")
	cps, err := audit.ReadCheckpoints(strings.NewReader(in))
	want := []audit.Checkpoint{{Seq: 5, Hash: "aa", At: 1700, MAC: "bb"}, {Seq: 10, Hash: "cc", At: 1800, MAC: "dd"}, {Seq: 15, Hash: "ee", At: 1900, MAC: "ff"}}
	if err != nil || fmt.Sprint(cps) != fmt.Sprint(want) {
		t.Fatalf("got %v %v, want %v", cps, err, want)
	}
	if _, err := audit.ReadCheckpoints(strings.NewReader(`{"seq":"x","mac":"ff"}`)); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Fatalf("mangled line: %v", err)
	}
}

// A server checks its own anchor file when the log is verified from the
// web page or the API.
func TestVerifyUsesAttachedAnchorFile(t *testing.T) {
	testkit.ForEachDBContext(t, func(t *testing.T, ctx context.Context, d *db.DB) {
		var logs bytes.Buffer
		keyedLog(t, d, &logs, 8)
		exec(t, d, "DELETE FROM audit_log")
		exec(t, d, "UPDATE audit_head SET seq = 0, hash = '', mac = '' WHERE id = 1")
		if _, problems, err := audit.Verify(ctx, d); err != nil || !has(problems, "truncated") {
			t.Fatalf("an emptied log: %s %v", codes(problems), err)
		}
	})
}

// Two handles (as two server processes) write at once and anchor every
// entry to one shared file: every line stays whole and every checkpoint
// matches the chain.
func TestSharedAnchorFile(t *testing.T) {
	testkit.ForEachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		file := filepath.Join(t.TempDir(), "anchor.log")
		var handles []*db.DB
		for i := 0; i < 2; i++ {
			d := testkit.OpenDSN(t, dsn)
			var logs bytes.Buffer
			if _, err := audit.Attach(d, audit.Options{Key: key, AnchorFile: file, AnchorEvery: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))}); err != nil {
				t.Fatal(err)
			}
			handles = append(handles, d)
		}
		done := make(chan struct{})
		for _, d := range handles {
			go func() {
				defer func() { done <- struct{}{} }()
				record(t, d, 30, "member.update")
			}()
		}
		<-done
		<-done
		cps := anchors(t, file)
		r, err := audit.Check(ctx, handles[0], audit.VerifyOptions{Checkpoints: cps})
		if err != nil || len(r.Problems) != 0 || r.Entries != 80 || len(cps) != 60 {
			t.Fatalf("%d checkpoints, %+v %v", len(cps), r, err)
		}
	})
}
