package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"gonghui/internal/db"
)

// KeyLabel is the label under which the chain's key is derived from the key
// file (pii.Keyring.DeriveKey).
const KeyLabel = "audit-chain"

// checkpointMsg is the message of the checkpoints' log lines.
const checkpointMsg = "audit checkpoint"

// DefaultAnchorEvery is how many entries apart checkpoints are, by default.
const DefaultAnchorEvery = 100

// Options configure the keyed chain of one database handle.
type Options struct {
	Key  []byte           // MAC key; the database must not hold it
	Hash func() hash.Hash // HMAC's hash (the key file's profile); nil: SHA-256
	// AnchorFile, when set, receives every checkpoint as one JSON line,
	// appended; several processes may share it.
	AnchorFile string
	// AnchorEvery: a checkpoint each time the chain passes a multiple of it
	// (0: DefaultAnchorEvery).
	AnchorEvery int64
	// AnchorInterval: a checkpoint of this process's newest entry when it
	// has written any since the last one (0: none on a timer).
	AnchorInterval time.Duration
	// Logger receives the checkpoints as structured lines (nil: slog's default).
	Logger *slog.Logger
}

// Chain is the keyed chain attached to one database handle: the key, and the
// checkpoints of what this process committed.
type Chain struct {
	key     []byte
	newHash func() hash.Hash
	every   int64
	file    string
	log     *slog.Logger

	mu       sync.Mutex
	anchored int64      // seq of the last checkpoint this process wrote
	latest   Checkpoint // newest head this process committed (At unset)
	stop     chan struct{}
	done     chan struct{}
}

type chainKey struct{}

// Attach keys d's audit chain: Record on d signs entries with o.Key and
// emits checkpoints, and Verify on d checks the MACs. Close the Chain before
// the database, so the last checkpoint is written.
func Attach(d *db.DB, o Options) (*Chain, error) {
	c, err := newChain(o)
	if err != nil {
		return nil, err
	}
	if o.AnchorInterval > 0 {
		c.stop, c.done = make(chan struct{}), make(chan struct{})
		go c.tick(o.AnchorInterval)
	}
	d.SetValue(chainKey{}, c)
	return c, nil
}

// NewVerifier is a Chain that only checks, for a database opened without
// Attach (the command line).
func NewVerifier(key []byte, h func() hash.Hash) (*Chain, error) {
	return newChain(Options{Key: key, Hash: h})
}

func newChain(o Options) (*Chain, error) {
	if len(o.Key) < 32 {
		return nil, errors.New("audit: the chain key must be at least 32 bytes")
	}
	c := &Chain{key: o.Key, newHash: o.Hash, every: o.AnchorEvery, file: o.AnchorFile, log: o.Logger}
	if c.newHash == nil {
		c.newHash = sha256.New
	}
	if c.every <= 0 {
		c.every = DefaultAnchorEvery
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c, nil
}

// ChainOf returns the Chain attached to d, or nil.
func ChainOf(d *db.DB) *Chain {
	c, _ := d.Value(chainKey{}).(*Chain)
	return c
}

func chainOf(tx *db.Tx) *Chain {
	c, _ := tx.Value(chainKey{}).(*Chain)
	return c
}

// mac is HMAC over a domain tag and length-prefixed fields: an entry's MAC,
// the head's and a checkpoint's can never stand in for one another.
func (c *Chain) mac(domain string, write func(io.Writer)) string {
	m := hmac.New(c.newHash, c.key)
	fmt.Fprintf(m, "gonghui audit %s v1;", domain)
	write(m)
	return hex.EncodeToString(m.Sum(nil))
}

func (c *Chain) entryMAC(e *Entry) string {
	return c.mac("entry", e.writeFields)
}

func (c *Chain) headMAC(seq int64, hash string) string {
	return c.mac("head", func(w io.Writer) { writeStrings(w, strconv.FormatInt(seq, 10), hash) })
}

func (c *Chain) checkpointMAC(p Checkpoint) string {
	return c.mac("checkpoint", func(w io.Writer) {
		writeStrings(w, strconv.FormatInt(p.Seq, 10), p.Hash, strconv.FormatInt(p.At, 10))
	})
}

func writeStrings(w io.Writer, fs ...string) {
	for _, f := range fs {
		fmt.Fprintf(w, "%d:%s;", len(f), f)
	}
}

// Checkpoint vouches, outside the database, that entry Seq had MAC Hash at
// At (Unix ms). MAC is keyed like the chain.
type Checkpoint struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
	At   int64  `json:"at"`
	MAC  string `json:"mac"`
}

// committed is told, after a commit, that this process moved the chain from
// entry from to entry seq with MAC hash. Passing a multiple of every
// anchors at once; otherwise the timer or Close will.
func (c *Chain) committed(from, seq int64, hash string) {
	c.mu.Lock()
	if seq > c.latest.Seq {
		c.latest = Checkpoint{Seq: seq, Hash: hash}
	}
	due := from/c.every != seq/c.every
	c.mu.Unlock()
	if due {
		c.Anchor()
	}
}

// Anchor writes a checkpoint of the newest entry this process committed, if
// it has not anchored it yet.
func (c *Chain) Anchor() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.latest.Seq <= c.anchored {
		return
	}
	p := c.latest
	p.At = time.Now().UnixMilli()
	p.MAC = c.checkpointMAC(p)
	c.anchored = p.Seq
	c.log.Info(checkpointMsg, "seq", p.Seq, "hash", p.Hash, "at", p.At, "mac", p.MAC)
	if c.file == "" {
		return
	}
	if err := appendLine(c.file, p); err != nil {
		// The log line above still anchors it; a full disk must not stop
		// the service, but the operator must hear of it.
		c.log.Error("audit checkpoint: cannot append to the anchor file", "file", c.file, "err", err)
	}
}

// appendLine appends p as one line with a single write on an O_APPEND file,
// so that lines from several processes never interleave.
func appendLine(path string, p Checkpoint) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	return errors.Join(err, f.Close())
}

func (c *Chain) tick(every time.Duration) {
	defer close(c.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.Anchor()
		}
	}
}

// Close stops the timer and anchors what this process committed last.
func (c *Chain) Close() {
	if c == nil {
		return
	}
	if c.stop != nil {
		close(c.stop)
		<-c.done
		c.stop = nil
	}
	c.Anchor()
}

// AnchorHead writes a checkpoint of the database's current head when its
// signature is valid: a server anchors the state it starts from, so that
// a later restore of an older copy shows even if it writes nothing.
func (c *Chain) AnchorHead(ctx context.Context, d *db.DB) error {
	var seq int64
	var hash, mac string
	if err := d.QueryRow(ctx, "SELECT seq, hash, mac FROM audit_head WHERE id = 1").Scan(&seq, &hash, &mac); err != nil {
		return fmt.Errorf("audit: read head: %w", err)
	}
	if seq == 0 || !hmac.Equal([]byte(mac), []byte(c.headMAC(seq, hash))) {
		return nil
	}
	c.mu.Lock()
	if seq > c.latest.Seq {
		c.latest = Checkpoint{Seq: seq, Hash: hash}
	}
	c.mu.Unlock()
	c.Anchor()
	return nil
}

// SignHead marks the switch-over of a log written before the chain was
// keyed, and records a wrongly signed head, without waiting for the next
// change: a server calls it at start. Both are done by the first keyed
// write anyway (see ActionKeyed).
func SignHead(ctx context.Context, d *db.DB) error {
	if ChainOf(d) == nil {
		return errors.New("audit: sign head: no key attached")
	}
	return d.Tx(ctx, func(tx *db.Tx) error {
		_, err := lockHead(ctx, tx)
		return err
	})
}
