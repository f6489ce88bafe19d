package audit

import (
	"bufio"
	"context"
	"crypto/hmac"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"gonghui/internal/db"
)

// Problem is a break in the chain. Code is stable for callers that explain
// it in the user's language; Reason is English for the command line.
//
//	missing, link, hash, unkeyed  entries were edited, removed or recomputed
//	head, head_mac, anchor, truncated  the end was cut off or an older copy restored
//	anchor_mac  a checkpoint's signature is wrong (forged, or another key)
//	nokey  keyed entries could not be checked: no key was given
type Problem struct {
	Seq    int64
	Code   string
	Reason string
}

// Report is what a verification found.
type Report struct {
	Entries     int64 // entries read
	Keyed       int64 // of which checked with the key
	Checkpoints int   // checkpoints given with a valid signature
	Problems    []Problem
}

// VerifyOptions add to what the database holds.
type VerifyOptions struct {
	// Key checks the MACs; nil: the Chain attached to the database, if any.
	Key *Chain
	// Checkpoints from outside the database (ReadCheckpoints).
	Checkpoints []Checkpoint
}

// Verify walks the whole chain with the key attached to d (if any) and
// reports every break; it returns the number of entries read.
func Verify(ctx context.Context, d *db.DB) (int64, []Problem, error) {
	r, err := Check(ctx, d, VerifyOptions{})
	return r.Entries, r.Problems, err
}

// Check walks the whole chain and reports every entry whose MAC (or, before
// keying, hash) does not match its content, whose link to the previous entry
// is broken, whose sequence number skips (a deleted row), or which is unkeyed
// after keyed ones; a head that does not name the last entry or is not
// signed; and every checkpoint whose entry is gone or different, or that
// vouches for more entries than the log holds.
func Check(ctx context.Context, d *db.DB, o VerifyOptions) (Report, error) {
	var r Report
	c := o.Key
	if c == nil {
		c = ChainOf(d)
	}
	if o.Checkpoints == nil && c != nil && c.file != "" {
		// The web page and the API check this process's anchor file.
		f, err := os.Open(c.file)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return r, fmt.Errorf("audit verify: %w", err)
		}
		if err == nil {
			o.Checkpoints, err = ReadCheckpoints(f)
			f.Close()
			if err != nil {
				return r, fmt.Errorf("audit verify: %s: %w", c.file, err)
			}
		}
	}
	anchors := map[int64][]Checkpoint{}
	var newest Checkpoint
	for _, p := range o.Checkpoints {
		if c == nil {
			r.Problems = append(r.Problems, Problem{Seq: p.Seq, Code: "nokey", Reason: "checkpoints cannot be checked without the key file"})
			break
		}
		if !hmac.Equal([]byte(p.MAC), []byte(c.checkpointMAC(p))) {
			r.Problems = append(r.Problems, Problem{Seq: p.Seq, Code: "anchor_mac", Reason: fmt.Sprintf("the checkpoint of %s has a wrong signature (forged, or made with another key)", when(p.At))})
			continue
		}
		r.Checkpoints++
		anchors[p.Seq] = append(anchors[p.Seq], p)
		if p.Seq > newest.Seq {
			newest = p
		}
	}

	var want int64 = 1
	prev := ""
	var last int64
	keyed, warned := false, false
	for {
		rows, err := d.Query(ctx, "SELECT "+columns+" FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 5000", last)
		if err != nil {
			return r, fmt.Errorf("audit verify: %w", err)
		}
		got := 0
		for rows.Next() {
			e, err := scan(rows)
			if err != nil {
				rows.Close()
				return r, err
			}
			got++
			r.Entries++
			last = e.Seq
			if e.Seq != want {
				r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "missing", Reason: fmt.Sprintf("entries %d to %d are missing", want, e.Seq-1)})
			}
			if e.PrevHash != prev {
				r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "link", Reason: "link to the previous entry is broken"})
			}
			switch {
			case e.MACVersion == 0 && keyed:
				r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "unkeyed", Reason: "unkeyed entry after keyed ones: written or recomputed without the key"})
			case e.MACVersion == 0:
				if e.computeHash() != e.Hash {
					r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "hash", Reason: "content does not match its hash"})
				}
			case e.MACVersion == 1 && c == nil:
				keyed = true
				if !warned {
					warned = true
					r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "nokey", Reason: "keyed entries from here on cannot be checked without the key file"})
				}
			case e.MACVersion == 1:
				keyed = true
				r.Keyed++
				if !hmac.Equal([]byte(c.entryMAC(&e)), []byte(e.Hash)) {
					r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "hash", Reason: "content does not match its MAC (edited, or recomputed without the key)"})
				}
			default:
				r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "hash", Reason: fmt.Sprintf("unknown MAC version %d", e.MACVersion)})
			}
			if e.Action == ActionHeadInvalid {
				r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "head_mac", Reason: "when this entry was written the head's signature was wrong: entries before it were removed and the head moved back, or the log was rewritten"})
			}
			for _, p := range anchors[e.Seq] {
				if p.Hash != e.Hash {
					r.Problems = append(r.Problems, Problem{Seq: e.Seq, Code: "anchor", Reason: fmt.Sprintf("differs from the checkpoint of %s (the chain was rewritten from here or before)", when(p.At))})
				}
			}
			delete(anchors, e.Seq)
			prev, want = e.Hash, e.Seq+1
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return r, err
		}
		if got == 0 {
			break
		}
	}
	if newest.Seq > last {
		r.Problems = append(r.Problems, Problem{Seq: newest.Seq, Code: "truncated", Reason: fmt.Sprintf("the log ends at entry %d but the checkpoint of %s vouches for entry %d: the newest entries were removed (or an older copy restored)", last, when(newest.At), newest.Seq)})
	}
	for seq, ps := range anchors {
		if seq <= last {
			r.Problems = append(r.Problems, Problem{Seq: seq, Code: "anchor", Reason: fmt.Sprintf("missing, though the checkpoint of %s vouches for it", when(ps[0].At))})
		}
	}

	var headSeq int64
	var headHash, headMAC string
	if err := d.QueryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash, &headMAC); err != nil {
		return r, fmt.Errorf("audit verify: read head: %w", err)
	}
	if headSeq != last || headHash != prev {
		r.Problems = append(r.Problems, Problem{Seq: headSeq, Code: "head", Reason: "the newest entries were removed (head does not match the last entry)"})
	}
	// Every process with the key signs the head (and a server signs it at
	// start, see SignHead), so an unsigned head over a non-empty log means a
	// rewrite, unless nobody with the key has written since the upgrade.
	if c != nil && headSeq > 0 && !hmac.Equal([]byte(headMAC), []byte(c.headMAC(headSeq, headHash))) {
		reason := "the head's signature is wrong: it was moved or rewritten without the key"
		if headMAC == "" && !keyed {
			reason = "the head is not signed: nothing was written with the key since the upgrade (start the server once), or the log was rewritten without the key"
		}
		r.Problems = append(r.Problems, Problem{Seq: headSeq, Code: "head_mac", Reason: reason})
	}
	return r, nil
}

func when(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05Z")
}

// ReadCheckpoints reads checkpoints from an anchor file or a server log:
// JSON lines with seq, hash, at and mac (the anchor file, or a JSON log),
// and text log lines with msg="audit checkpoint". Other lines are skipped,
// so a whole log can be given. A line that claims to be a checkpoint but
// cannot be read is an error naming its line number.
func ReadCheckpoints(rd io.Reader) ([]Checkpoint, error) {
	var out []Checkpoint
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "{"):
			if !strings.Contains(line, `"mac"`) {
				continue
			}
			var p struct {
				Checkpoint
				Msg *string `json:"msg"`
			}
			if err := json.Unmarshal([]byte(line), &p); err == nil && p.Msg != nil && *p.Msg != checkpointMsg {
				continue // another line of a JSON log
			}
			if err := json.Unmarshal([]byte(line), &p); err != nil || p.Seq <= 0 {
				return out, fmt.Errorf("line %d: not a readable checkpoint", n)
			}
			out = append(out, p.Checkpoint)
		case strings.Contains(line, `msg="`+checkpointMsg+`"`):
			p, ok := textCheckpoint(line)
			if !ok {
				return out, fmt.Errorf("line %d: not a readable checkpoint", n)
			}
			out = append(out, p)
		}
	}
	return out, sc.Err()
}

// textCheckpoint reads slog's text form: key=value pairs separated by
// spaces; the checkpoint's own values never contain spaces or quotes.
func textCheckpoint(line string) (Checkpoint, bool) {
	var p Checkpoint
	var err error
	found := 0
	for _, f := range strings.Fields(line) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		switch k {
		case "seq":
			p.Seq, err = strconv.ParseInt(v, 10, 64)
		case "at":
			p.At, err = strconv.ParseInt(v, 10, 64)
		case "hash":
			p.Hash = v
		case "mac":
			p.MAC = v
		default:
			continue
		}
		if err != nil {
			return p, false
		}
		found++
	}
	return p, found == 4 && p.Seq > 0
}
