package db_test

import (
	"context"
	"strings"
	"testing"

	"gonghui/internal/db"
	"gonghui/internal/testkit"
)

// The order a table's checksum is taken in is its primary key, key
// columns only (not the columns an index merely includes), on both engines.
func TestTablesNameTheirKeys(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ts, err := d.Tables(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"stat_rollups": "org_id,month,metric", "settings": "name", "members": "id", "schema_migrations": "version"}
		for _, tb := range ts {
			if w, ok := want[tb.Name]; ok {
				if got := strings.Join(tb.Key, ","); got != w {
					t.Errorf("%s: key %s, want %s", tb.Name, got, w)
				}
				delete(want, tb.Name)
			}
		}
		if len(want) > 0 {
			t.Errorf("tables not listed: %v", want)
		}
	})
}
