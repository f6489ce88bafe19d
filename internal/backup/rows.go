package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"gonghui/internal/db"
)

// The canonical encoding of a row, the same on both engines: each value in
// the order of the table's columns as a tag byte and its bytes. A table's
// checksum is the SHA-256 of its rows so encoded in primary-key order
// (db.SelectAll), so it depends on the data alone, never on a file's
// layout; a PostgreSQL backup's table files are these very bytes,
// compressed, and are read back with decodeRow.
const (
	tagNull   = 'N'
	tagInt    = 'I' // signed varint
	tagFloat  = 'F' // IEEE 754 bits, big-endian
	tagText   = 'S' // uvarint length, UTF-8 bytes
	tagBytes  = 'B' // uvarint length, bytes
	tagTime   = 'D' // signed varint of Unix microseconds, UTC
	maxLength = 1 << 30
)

// appendValue adds v (a value as db.Normalize gives it) to b.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := db.Normalize(v).(type) {
	case nil:
		return append(b, tagNull), nil
	case int64:
		return binary.AppendVarint(append(b, tagInt), x), nil
	case float64:
		return binary.BigEndian.AppendUint64(append(b, tagFloat), math.Float64bits(x)), nil
	case string:
		b = binary.AppendUvarint(append(b, tagText), uint64(len(x)))
		return append(b, x...), nil
	case []byte:
		b = binary.AppendUvarint(append(b, tagBytes), uint64(len(x)))
		return append(b, x...), nil
	case time.Time:
		return binary.AppendVarint(append(b, tagTime), x.UnixMicro()), nil
	default:
		return b, fmt.Errorf("backup: a value of type %T has no canonical form", v)
	}
}

// decodeRow reads one row of n values; io.EOF before its first byte means
// there are no more rows.
func decodeRow(r *bufio.Reader, n int) ([]any, error) {
	vals := make([]any, n)
	for i := range vals {
		tag, err := r.ReadByte()
		if err != nil {
			if i == 0 && errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, truncated(err)
		}
		switch tag {
		case tagNull:
		case tagInt:
			v, err := binary.ReadVarint(r)
			if err != nil {
				return nil, truncated(err)
			}
			vals[i] = v
		case tagFloat:
			var b [8]byte
			if _, err := io.ReadFull(r, b[:]); err != nil {
				return nil, truncated(err)
			}
			vals[i] = math.Float64frombits(binary.BigEndian.Uint64(b[:]))
		case tagText, tagBytes:
			l, err := binary.ReadUvarint(r)
			if err != nil {
				return nil, truncated(err)
			}
			if l > maxLength {
				return nil, fmt.Errorf("a value of %d bytes: the file is damaged", l)
			}
			b := make([]byte, l)
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, truncated(err)
			}
			if tag == tagText {
				vals[i] = string(b)
			} else {
				vals[i] = b
			}
		case tagTime:
			v, err := binary.ReadVarint(r)
			if err != nil {
				return nil, truncated(err)
			}
			vals[i] = time.UnixMicro(v).UTC()
		default:
			return nil, fmt.Errorf("unknown value tag %q: the file is damaged", tag)
		}
	}
	return vals, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) {
		return errors.New("a row is cut short: the file is damaged")
	}
	return err
}

// TableSum is one table's row count and checksum.
type TableSum struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    int64    `json:"rows"`
	SHA256  string   `json:"sha256"`
}

// readTable reads every row of t through r in canonical order, passing
// each row's encoding to out (nil: only count and hash).
func readTable(ctx context.Context, d *db.DB, r db.Reader, t db.Table, out io.Writer) (TableSum, error) {
	sum := TableSum{Name: t.Name, Columns: t.Columns}
	rows, err := r.QueryContext(ctx, d.SelectAll(t))
	if err != nil {
		return sum, fmt.Errorf("backup: read %s: %w", t.Name, err)
	}
	defer rows.Close()
	h := sha256.New()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return sum, fmt.Errorf("backup: read %s: %w", t.Name, err)
		}
		buf = buf[:0]
		for _, v := range vals {
			if buf, err = appendValue(buf, v); err != nil {
				return sum, fmt.Errorf("backup: table %s: %w", t.Name, err)
			}
		}
		h.Write(buf)
		if out != nil {
			if _, err := out.Write(buf); err != nil {
				return sum, fmt.Errorf("backup: write %s: %w", t.Name, err)
			}
		}
		sum.Rows++
		if sum.Rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return sum, fmt.Errorf("backup: read %s: %w", t.Name, err)
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}

// Sums counts and hashes every table of d in one consistent read.
func Sums(ctx context.Context, d *db.DB) ([]TableSum, error) {
	tables, err := d.Tables(ctx)
	if err != nil {
		return nil, err
	}
	var out []TableSum
	err = d.Snapshot(ctx, func(r db.Reader) error {
		for _, t := range tables {
			s, err := readTable(ctx, d, r, t, nil)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}
