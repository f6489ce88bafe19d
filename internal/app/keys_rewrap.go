package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sort"

	"gonghui/internal/contract"
	"gonghui/internal/db"
	"gonghui/internal/job"
	"gonghui/internal/mailbox"
	"gonghui/internal/pii"
	"gonghui/internal/rights"
	"gonghui/internal/works"
)

// sealedColumn is one column holding pii.Seal output, with the additional
// data its owner package seals it under (the strings must stay equal to
// theirs: the rotation test reads every value back through those packages).
type sealedColumn struct {
	table, col string
	aad        func(id int64) string
	blob       bool // BLOB/BYTEA column holding the sealed text
}

func memberIDAAD(id int64) string { return "member.id_number:" + db.FormatID(id) }

var sealedColumns = []sealedColumn{
	{table: "members", col: "id_sealed", aad: memberIDAAD},
	{table: "members", col: "mobile_sealed", aad: func(id int64) string { return "member.mobile:" + db.FormatID(id) }},
	{table: "join_applications", col: "id_sealed", aad: func(id int64) string { return "join_application.id_number:" + db.FormatID(id) }},
	{table: "join_applications", col: "mobile_sealed", aad: func(id int64) string { return "join_application.mobile:" + db.FormatID(id) }},
	{table: "users", col: "totp_secret", aad: func(id int64) string { return "user.totp_secret:" + db.FormatID(id) }},
	{table: "uploads", col: "data", aad: job.UploadAAD, blob: true},
	{table: "letter_photos", col: "data", aad: mailbox.PhotoAAD, blob: true},
	{table: "case_workers", col: "name_sealed", aad: func(id int64) string { return rights.WorkerAAD("name", id) }},
	{table: "case_workers", col: "id_sealed", aad: func(id int64) string { return rights.WorkerAAD("id_number", id) }},
	{table: "case_workers", col: "mobile_sealed", aad: func(id int64) string { return rights.WorkerAAD("mobile", id) }},
	{table: "case_notes", col: "sealed", aad: rights.NoteAAD},
	{table: "case_files", col: "data", aad: rights.FileAAD, blob: true},
	{table: "works_photos", col: "data", aad: works.PhotoAAD, blob: true},
	{table: "works_photos", col: "thumb", aad: works.ThumbAAD, blob: true},
	{table: "contract_files", col: "data", aad: contract.FileAAD, blob: true},
}

// sealedSettings: settings rows whose value is sealed under "settings."+name
// (the member card's signing key).
const sealedSettings = "card.signing_key.%"

// rewrapAll re-seals every value sealed with a key other than the current
// one, a batch per transaction, so servers keep running meanwhile. Each
// update applies only if the value is still the one read: a value changed
// meanwhile was sealed afresh by its writer. Run again, it continues where
// it stopped, since done values are skipped by their key id.
func rewrapAll(ctx context.Context, d *db.DB, k *pii.Keyring, batch int, w io.Writer) error {
	fmt.Fprintf(w, "re-sealing values with key %s\n", k.Current())
	var failed int
	for _, c := range sealedColumns {
		n, bad, err := rewrapColumn(ctx, d, k, c, batch, w)
		if err != nil {
			return err
		}
		failed += bad
		fmt.Fprintf(w, "\r%s.%s: %d re-sealed\n", c.table, c.col, n)
	}
	n, bad, err := rewrapSettings(ctx, d, k)
	if err != nil {
		return err
	}
	failed += bad
	fmt.Fprintf(w, "settings (card signing key): %d re-sealed\n", n)
	counts, err := countSealed(ctx, d)
	if err != nil {
		return err
	}
	var left []string
	for id, n := range counts {
		if id != k.Current() && n > 0 {
			left = append(left, fmt.Sprintf("%s: %d", id, n))
		}
	}
	sort.Strings(left)
	if failed > 0 {
		return fmt.Errorf("%d values did not open (altered or sealed by another installation; see the log) and were left as they were", failed)
	}
	if len(left) > 0 {
		fmt.Fprintf(w, "still under older keys (sealed by a server meanwhile; run \"gonghui keys rewrap\" again): %v\n", left)
		return nil
	}
	fmt.Fprintf(w, "every sealed value is under key %s\n", k.Current())
	return nil
}

type sealedRow struct {
	id  int64
	val string
}

func rewrapColumn(ctx context.Context, d *db.DB, k *pii.Keyring, c sealedColumn, batch int, w io.Writer) (done, failed int, err error) {
	cur := k.Current()
	where, args := "", []any{}
	if !c.blob {
		// Skips values already done without reading them into Go.
		where = fmt.Sprintf(" AND %s <> '' AND %s NOT LIKE ? ESCAPE '\\'", c.col, c.col)
		args = append(args, db.Like(cur+":")+"%")
	}
	total, err := countRows(ctx, d, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE 1 = 1%s", c.table, where), args...)
	if err != nil {
		return 0, 0, err
	}
	progress := progressTo(w, c.table+"."+c.col)
	last := int64(math.MinInt64)
	seen := 0
	for {
		rows, err := readSealed(ctx, d, fmt.Sprintf("SELECT id, %s FROM %s WHERE id > ?%s ORDER BY id LIMIT %d", c.col, c.table, where, batch), c.blob, append([]any{last}, args...)...)
		if err != nil {
			return done, failed, err
		}
		if len(rows) == 0 {
			return done, failed, nil
		}
		last = rows[len(rows)-1].id
		err = d.Tx(ctx, func(tx *db.Tx) error {
			for _, r := range rows {
				if !k.NeedsRewrap(r.val) {
					continue
				}
				pt, err := k.Open(r.val, c.aad(r.id))
				if err != nil {
					failed++
					slog.Warn("keys: a sealed value does not open", "table", c.table, "column", c.col, "id", r.id, "err", err)
					continue
				}
				ns, err := k.Seal(pt, c.aad(r.id))
				if err != nil {
					return err
				}
				var nv, ov any = ns, r.val
				if c.blob {
					nv, ov = []byte(ns), []byte(r.val)
				}
				res, err := tx.Exec(ctx, fmt.Sprintf("UPDATE %s SET %s = ? WHERE id = ? AND %s = ?", c.table, c.col, c.col), nv, r.id, ov)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					done++
				}
			}
			return nil
		})
		if err != nil {
			return done, failed, fmt.Errorf("keys: re-seal %s.%s: %w", c.table, c.col, err)
		}
		seen += len(rows)
		progress(min(seen, total), total)
	}
}

func readSealed(ctx context.Context, d *db.DB, q string, blob bool, args ...any) ([]sealedRow, error) {
	rows, err := d.QueryFresh(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealedRow
	for rows.Next() {
		var r sealedRow
		if blob {
			var b []byte
			err = rows.Scan(&r.id, &b)
			r.val = string(b)
		} else {
			err = rows.Scan(&r.id, &r.val)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func countRows(ctx context.Context, d *db.DB, q string, args ...any) (int, error) {
	var n int
	err := d.QueryRow(ctx, q, args...).Scan(&n)
	return n, err
}

func rewrapSettings(ctx context.Context, d *db.DB, k *pii.Keyring) (done, failed int, err error) {
	err = d.Tx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, "SELECT name, value FROM settings WHERE name LIKE ?", sealedSettings)
		if err != nil {
			return err
		}
		type kv struct{ name, val string }
		var all []kv
		for rows.Next() {
			var r kv
			if err := rows.Scan(&r.name, &r.val); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range all {
			if !k.NeedsRewrap(r.val) {
				continue
			}
			pt, err := k.Open(r.val, "settings."+r.name)
			if err != nil {
				failed++
				slog.Warn("keys: a sealed setting does not open", "name", r.name, "err", err)
				continue
			}
			ns, err := k.Seal(pt, "settings."+r.name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "UPDATE settings SET value = ? WHERE name = ? AND value = ?", ns, r.name, r.val); err != nil {
				return err
			}
			done++
		}
		return nil
	})
	return done, failed, err
}

// countSealed counts the stored sealed values by the key id they name.
func countSealed(ctx context.Context, d *db.DB) (map[string]int, error) {
	counts := map[string]int{}
	add := func(q string, args ...any) error {
		rows, err := d.QueryFresh(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				return err
			}
			if id := pii.SealedWith(string(b)); id != "" {
				counts[id]++
			} else if len(b) > 0 {
				counts["(not sealed)"]++
			}
		}
		return rows.Err()
	}
	for _, c := range sealedColumns {
		// The key id is at the start; a prefix is enough and keeps large
		// uploads out of memory.
		if err := add(fmt.Sprintf("SELECT SUBSTR(%s, 1, 40) FROM %s", c.col, c.table)); err != nil {
			return nil, fmt.Errorf("keys: count %s.%s: %w", c.table, c.col, err)
		}
	}
	if err := add("SELECT SUBSTR(value, 1, 40) FROM settings WHERE name LIKE ?", sealedSettings); err != nil {
		return nil, err
	}
	return counts, nil
}
