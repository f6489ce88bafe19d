package sheet

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

var streamHeader = []string{"姓名", "身份证号", "单位", "手机号", "入会日期", "备注"}

// writeCSVFile writes a roster of n rows to a file in dir.
func writeCSVFile(t testing.TB, dir string, n int) string {
	t.Helper()
	name := filepath.Join(dir, fmt.Sprintf("roster-%d.csv", n))
	f, err := os.Create(name)
	must(t, err)
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "XX公司会员花名册,,,,,")
	fmt.Fprintln(w, "姓名,身份证号,单位,手机号,入会日期,备注")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "会员%06d,11010119900101%04d,第%d分会,138%08d,2020-01-%02d,\"备注，第 %d 行\"\n", i, i%10000, i%50, i, i%28+1, i)
	}
	must(t, w.Flush())
	must(t, f.Close())
	return name
}

// writeXLSXFile writes the same roster as an .xlsx with the Writer.
func writeXLSXFile(t testing.TB, dir string, n int) string {
	t.Helper()
	name := filepath.Join(dir, fmt.Sprintf("roster-%d.xlsx", n))
	w, err := NewWriter("花名册", streamHeader)
	must(t, err)
	defer w.Close()
	joined := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		must(t, w.Row(fmt.Sprintf("会员%06d", i), fmt.Sprintf("11010119900101%04d", i%10000), fmt.Sprintf("第%d分会", i%50),
			fmt.Sprintf("138%08d", i), joined.AddDate(0, 0, i%28), fmt.Sprintf("备注，第 %d 行", i)))
	}
	f, err := os.Create(name)
	must(t, err)
	_, err = w.WriteTo(f)
	must(t, err)
	must(t, f.Close())
	return name
}

// readFile reads a roster file through the reader and returns the number of
// rows and, when sample is set, the largest live heap seen (sampled after a
// GC every 10,000 rows) above what was live before Open.
func readFile(t testing.TB, name string, sample bool) (rows int, peak uint64) {
	t.Helper()
	f, err := os.Open(name)
	must(t, err)
	defer f.Close()
	st, err := f.Stat()
	must(t, err)
	var ms runtime.MemStats
	live := func() uint64 {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var base uint64
	if sample {
		base = live()
	}
	r, err := Open(f, st.Size(), Options{IsHeader: isHeader})
	must(t, err)
	defer r.Close()
	if len(r.Header()) != len(streamHeader) {
		t.Fatalf("header %q", r.Header())
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		rows++
		if row.Num != rows+r.HeaderRow() {
			t.Fatalf("row %d numbered %d", rows, row.Num)
		}
		if sample && rows%10000 == 0 {
			if h := live(); h > base {
				peak = max(peak, h-base)
			}
		}
	}
	if done, total := r.Progress(); done != total || total != st.Size() {
		t.Errorf("progress %d/%d at the end", done, total)
	}
	return rows, peak
}

// 100,000 rows stream through in bounded memory: the live heap while reading
// 100,000 rows is no larger (with slack) than while reading 20,000.
//
// The figures are live heap after a forced GC, not HeapInuse, which moves with
// the GC's pacing. For .xlsx the bound comes from excelize: a worksheet of
// more than 8 MiB of XML is unpacked to a temporary file and read from there,
// so the 20,000-row sheet (in memory) may well cost more than the
// 100,000-row one; what is checked is that the heap does not follow the row
// count. (excelize does hold the shared string table, which real Excel files
// use for text, in memory or as an index of offsets: that part grows with the
// number of distinct strings; the Writer uses inline strings.)
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 240,000 rows")
	}
	dir := t.TempDir()
	for _, format := range []string{"csv", "xlsx"} {
		write := writeCSVFile
		if format == "xlsx" {
			write = writeXLSXFile
		}
		small, large := write(t, dir, 20_000), write(t, dir, 100_000)
		n, peakSmall := readFile(t, small, true)
		if n != 20_000 {
			t.Fatalf("%s: %d rows of 20,000", format, n)
		}
		n, peakLarge := readFile(t, large, true)
		if n != 100_000 {
			t.Fatalf("%s: %d rows of 100,000", format, n)
		}
		t.Logf("%s: live heap while reading 20,000 rows %d KiB, 100,000 rows %d KiB", format, peakSmall>>10, peakLarge>>10)
		if limit := 2*peakSmall + 4<<20; peakLarge > limit {
			t.Errorf("%s: live heap grew with the rows: %d KiB for 20,000, %d KiB for 100,000", format, peakSmall>>10, peakLarge>>10)
		}
	}
}

func benchmarkRead(b *testing.B, name string, rows int) {
	b.ReportAllocs()
	st, _ := os.Stat(name)
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if n, _ := readFile(b, name, false); n != rows {
			b.Fatalf("%d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadCSV100k(b *testing.B) {
	benchmarkRead(b, writeCSVFile(b, b.TempDir(), 100_000), 100_000)
}

func BenchmarkReadXLSX100k(b *testing.B) {
	benchmarkRead(b, writeXLSXFile(b, b.TempDir(), 100_000), 100_000)
}

func BenchmarkWriteXLSX100k(b *testing.B) {
	b.ReportAllocs()
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		writeXLSXFile(b, dir, 100_000)
	}
	b.ReportMetric(100_000*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
