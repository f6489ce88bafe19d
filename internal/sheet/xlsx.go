package sheet

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

var (
	errZipFormat    = zip.ErrFormat
	errZipAlgorithm = zip.ErrAlgorithm
	errZipChecksum  = zip.ErrChecksum
)

const (
	// maxZipEntries: a workbook has a few dozen parts; a million tiny ones
	// would cost hundreds of megabytes just to list.
	maxZipEntries = 10_000
	// maxPartBytes bounds each part other than worksheets and the shared
	// strings: excelize reads those into memory whole and parses some of them
	// (styles, workbook, relationships) at once.
	maxPartBytes = 32 << 20
	// ratioFloor: the ratio check applies to parts that unpack to more than
	// this; a small part with a high ratio costs nothing.
	ratioFloor = 1 << 20
	// xmlInMemory is excelize's UnzipXMLSizeLimit: worksheets and shared
	// strings larger than this are unpacked to a temporary file and read from
	// there as a stream.
	xmlInMemory = 8 << 20
	// inMemoryOpen: excelize.OpenReader reads the whole upload into memory;
	// uploads larger than this are copied to a temporary file and opened with
	// excelize.OpenFile instead, which reads the zip in place.
	inMemoryOpen = 2 << 20
	// maxMerges bounds the merged ranges remembered for filling.
	maxMerges = 100_000
	// maxSheets and maxRels bound the sheets and workbook relationships:
	// excelize matches the one against the other in a nested loop when it
	// opens a file, which a forged workbook.xml could make take hours.
	maxSheets = 1000
	maxRels   = 10_000
	// maxExcelRows and maxExcelCols are Excel's own limits.
	maxExcelRows = 1 << 20
	maxExcelCols = 1 << 14
)

// xlsxSource reads the first visible worksheet with excelize's streaming
// Rows iterator, raw values (numbers as stored, dates as serial numbers,
// formulas never evaluated: a formula cell gives its cached value or "").
//
// Merged cells are filled with their top-left value (a 单位 column merged
// down twenty rows reads as twenty rows of 单位). excelize's GetMergeCells
// would decode the whole worksheet into memory, so the merge ranges are found
// instead by a byte scan of the worksheet XML before reading (an extra
// decompression pass, a few per cent of the time, constant memory); the same
// pass finds the last row number for Progress. Merges that start at or above
// the header row are not carried below it (a two-row header is not data). A
// row whose only content comes from a merge above it is an empty row.
type xlsxSource struct {
	f       *excelize.File
	rows    *excelize.Rows
	ropts   excelize.Options
	num     int
	size    int64
	lastRow int

	merges  []mergeRange // sorted by top row
	mi      int          // next merge to activate
	fillVal []string     // per column: value filled down
	fillTo  []int        // per column: last row filled
	fillMax int          // max of fillTo
}

type mergeRange struct{ r1, c1, r2, c2 int } // 1-based, inclusive

func openXLSX(r io.ReaderAt, size int64, lim Limits) (*xlsxSource, bool, error) {
	zr, err := inspectZip(r, size, lim)
	if err != nil {
		return nil, false, err
	}
	ws, date1904, err := firstWorksheet(zr)
	if err != nil {
		return nil, false, err
	}
	maxCol := min(lim.MaxColumns, maxExcelCols)
	merges, lastRow, err := scanWorksheet(ws.file, maxCol)
	if err != nil {
		return nil, false, err
	}
	f, err := openExcelize(r, size, lim)
	if err != nil {
		return nil, false, err
	}
	s := &xlsxSource{
		f: f, size: size, lastRow: lastRow, merges: merges,
		ropts: excelize.Options{RawCellValue: true},
	}
	if len(merges) > 0 {
		s.fillVal, s.fillTo = make([]string, maxCol), make([]int, maxCol)
	}
	if err := s.startRows(ws.name); err != nil {
		_ = f.Close()
		return nil, false, err
	}
	return s, date1904, nil
}

// inspectZip reads the central directory and refuses zip bombs before
// anything is unpacked: too many entries, a part or the whole unpacking to
// more than the limits, a compression ratio above maxRatio. The sizes it
// checks are the declared ones; archive/zip refuses to unpack more than an
// entry declares, so they hold.
func inspectZip(r io.ReaderAt, size int64, lim Limits) (*zip.Reader, error) {
	if n, ok := zipEntryCount(r, size); ok && n > maxZipEntries {
		return nil, errZipBomb(fmt.Sprintf("%d zip entries", n))
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, unreadable(redact(err))
	}
	if len(zr.File) > maxZipEntries {
		return nil, errZipBomb(fmt.Sprintf("%d zip entries", len(zr.File)))
	}
	limit := uint64(lim.MaxUnpacked)
	var total uint64
	for i, f := range zr.File {
		u, c := f.UncompressedSize64, f.CompressedSize64
		if u > limit {
			return nil, errZipBomb(fmt.Sprintf("entry %d unpacks to %d bytes", i, u))
		}
		if total += u; total > limit {
			return nil, errZipBomb(fmt.Sprintf("entries unpack to more than %d bytes", limit))
		}
		if u > ratioFloor && (c == 0 || u/c > maxRatio) {
			return nil, errZipBomb(fmt.Sprintf("entry %d: compression ratio %d:%d", i, u, c))
		}
		if u > maxPartBytes && !streamedPart(zipName(f.Name)) {
			return nil, errZipBomb(fmt.Sprintf("entry %d: part of %d bytes", i, u))
		}
	}
	return zr, nil
}

// streamedPart reports whether excelize unpacks a part to a temporary file
// when it is large, rather than holding it in memory.
func streamedPart(name string) bool {
	low := strings.ToLower(name)
	return strings.HasPrefix(low, "xl/worksheets/sheet") || low == "xl/sharedstrings.xml"
}

// zipName normalises an entry name the way excelize does.
func zipName(name string) string { return strings.ReplaceAll(name, "\\", "/") }

// zipEntryCount reads the entry count from the end of central directory
// record (zip64 too), so that an absurd count is refused before archive/zip
// allocates for it. ok is false when the record is not found; zip.NewReader
// then gives its own error.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen, locLen, eocd64Len = 22, 20, 56
	if size < eocdLen {
		return 0, false
	}
	n := min(size, eocdLen+0xFFFF)
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
		return 0, false
	}
	for i := len(buf) - eocdLen; i >= 0; i-- {
		if !bytes.Equal(buf[i:i+4], []byte("PK\x05\x06")) {
			continue
		}
		if i+eocdLen+int(binary.LittleEndian.Uint16(buf[i+20:])) > len(buf) {
			continue
		}
		if count := binary.LittleEndian.Uint16(buf[i+10:]); count != 0xFFFF {
			return uint64(count), true
		}
		loc := size - n + int64(i) - locLen
		var lb [locLen]byte
		if loc < 0 {
			return 0, false
		}
		if _, err := r.ReadAt(lb[:], loc); err != nil || !bytes.Equal(lb[:4], []byte("PK\x06\x07")) {
			return 0, false
		}
		off := binary.LittleEndian.Uint64(lb[8:])
		if off > uint64(size-eocd64Len) || size < eocd64Len {
			return 0, false
		}
		var rec [eocd64Len]byte
		if _, err := r.ReadAt(rec[:], int64(off)); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
			return 0, false
		}
		return binary.LittleEndian.Uint64(rec[32:]), true
	}
	return 0, false
}

type worksheetRef struct {
	name string
	file *zip.File
}

// firstWorksheet finds the first visible worksheet in workbook order (the
// first worksheet if all are hidden), by the same relationships excelize
// follows, and whether the workbook uses the 1904 date system.
func firstWorksheet(zr *zip.Reader) (worksheetRef, bool, error) {
	entries := make(map[string]*zip.File, len(zr.File))
	for _, f := range zr.File {
		entries[zipName(f.Name)] = f // the last of duplicates wins, as in excelize
	}
	wbPath := "xl/workbook.xml"
	if rels, err := readRels(entries, "_rels/.rels"); err != nil {
		return worksheetRef{}, false, err
	} else {
		for _, rel := range rels {
			if strings.HasSuffix(rel.typ, "/officeDocument") {
				wbPath = strings.TrimPrefix(zipName(rel.target), "/")
				break
			}
		}
	}
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	rels, err := readRels(entries, relsPath)
	if err != nil {
		return worksheetRef{}, false, err
	}
	relByID := make(map[string]relationship, len(rels))
	for _, rel := range rels {
		if _, dup := relByID[rel.id]; !dup {
			relByID[rel.id] = rel
		}
	}
	data, err := readPart(entries, wbPath)
	if err != nil {
		return worksheetRef{}, false, err
	}
	if data == nil {
		return worksheetRef{}, false, unreadable(errors.New("no workbook part"))
	}
	var (
		first, visible *worksheetRef
		date1904       bool
		sheets         int
	)
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return worksheetRef{}, false, unreadable(redact(err))
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch el.Name.Local {
		case "workbookPr":
			v := attr(el, "date1904")
			date1904 = v == "1" || v == "true"
		case "sheet":
			if sheets++; sheets > maxSheets {
				return worksheetRef{}, false, errZipBomb(fmt.Sprintf("more than %d sheets", maxSheets))
			}
			if visible != nil {
				continue // still counting
			}
			rel := relByID[attr(el, "id")]
			if !strings.HasSuffix(rel.typ, "/worksheet") || rel.target == "" {
				continue // a chart sheet, or dangling
			}
			target := rel.target
			target = zipName(target)
			if strings.HasPrefix(target, "/") {
				target = path.Clean(target)[1:]
			} else {
				target = strings.TrimPrefix(path.Join(path.Dir(wbPath), target), "/")
			}
			f := entries[target]
			if f == nil {
				continue
			}
			ref := &worksheetRef{name: attr(el, "name"), file: f}
			if first == nil {
				first = ref
			}
			if st := attr(el, "state"); st == "" || st == "visible" {
				visible = ref
			}
		}
	}
	if visible == nil {
		visible = first
	}
	if visible == nil {
		return worksheetRef{}, false, unreadable(errors.New("no worksheet"))
	}
	return *visible, date1904, nil
}

// attr returns an attribute by local name, whatever its namespace (strict
// OOXML uses other namespace URIs than transitional).
func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

type relationship struct{ id, typ, target string }

func readRels(entries map[string]*zip.File, name string) ([]relationship, error) {
	data, err := readPart(entries, name)
	if err != nil || data == nil {
		return nil, err
	}
	var rels []relationship
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return rels, nil
		}
		if err != nil {
			return nil, unreadable(redact(err))
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "Relationship" {
			if len(rels) == maxRels {
				return nil, errZipBomb(fmt.Sprintf("more than %d relationships in %s", maxRels, name))
			}
			rels = append(rels, relationship{attr(el, "Id"), attr(el, "Type"), attr(el, "Target")})
		}
	}
}

// readPart reads a small part whole; nil if there is no such part.
func readPart(entries map[string]*zip.File, name string) ([]byte, error) {
	f := entries[name]
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, unreadable(redact(err))
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxPartBytes))
	if err != nil {
		return nil, unreadable(redact(err))
	}
	return data, nil
}

// scanWorksheet runs through the worksheet XML once, looking only at tag
// names: it collects merge ranges (at most maxMerges, columns clipped to
// maxCol) and the last row number. It also checks that the part unpacks
// cleanly: excelize ignores read errors and would quietly read a damaged
// worksheet only up to the damage.
func scanWorksheet(f *zip.File, maxCol int) ([]mergeRange, int, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, 0, unreadable(redact(err))
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	var (
		merges        []mergeRange
		lastRow, rows int
	)
	for {
		_, err := br.ReadSlice('<')
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, unreadable(redact(err))
		}
		head, _ := br.Peek(256)
		name, attrs := splitTag(head)
		switch string(name) {
		case "row":
			rows++
			if n, ok := atoi(tagAttr(attrs, "r")); ok && n > lastRow && n <= maxExcelRows {
				lastRow = n
			}
		case "mergeCell":
			if len(merges) >= maxMerges {
				continue
			}
			if m, ok := parseRange(tagAttr(attrs, "ref")); ok && m.c1 <= maxCol {
				m.c2 = min(m.c2, maxCol)
				merges = append(merges, m)
			}
		}
	}
	slices.SortStableFunc(merges, func(a, b mergeRange) int { return a.r1 - b.r1 })
	return merges, max(lastRow, rows), nil
}

// splitTag splits the bytes after '<' into the tag's local name and the rest
// of the tag.
func splitTag(b []byte) (name, rest []byte) {
	end := bytes.IndexAny(b, " \t\r\n/>")
	if end < 0 {
		return nil, nil
	}
	name, rest = b[:end], b[end:]
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	if i := bytes.IndexByte(rest, '>'); i >= 0 {
		rest = rest[:i]
	}
	return name, rest
}

// tagAttr finds attribute local name's value in the attributes of a tag.
func tagAttr(b []byte, local string) []byte {
	for len(b) > 0 {
		b = bytes.TrimLeft(b, " \t\r\n/")
		eq := bytes.IndexByte(b, '=')
		if eq < 0 {
			return nil
		}
		name := bytes.TrimSpace(b[:eq])
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		b = bytes.TrimLeft(b[eq+1:], " \t\r\n")
		if len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return nil
		}
		q := b[0]
		end := bytes.IndexByte(b[1:], q)
		if end < 0 {
			return nil
		}
		if string(name) == local {
			return b[1 : 1+end]
		}
		b = b[end+2:]
	}
	return nil
}

func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseRange parses "A1:C3" (or "$A$1:$C$3"); single cells are not ranges.
func parseRange(b []byte) (mergeRange, bool) {
	from, to, ok := bytes.Cut(b, []byte(":"))
	if !ok {
		return mergeRange{}, false
	}
	c1, r1, ok1 := parseCell(from)
	c2, r2, ok2 := parseCell(to)
	if !ok1 || !ok2 {
		return mergeRange{}, false
	}
	m := mergeRange{r1: min(r1, r2), c1: min(c1, c2), r2: max(r1, r2), c2: max(c1, c2)}
	return m, m.r1 != m.r2 || m.c1 != m.c2
}

func parseCell(b []byte) (col, row int, ok bool) {
	b = bytes.TrimPrefix(b, []byte("$"))
	i := 0
	for i < len(b) && i < 4 && (b[i]|0x20 >= 'a' && b[i]|0x20 <= 'z') {
		col = col*26 + int(b[i]|0x20-'a'+1)
		i++
	}
	digits := bytes.TrimPrefix(b[i:], []byte("$"))
	row, ok = atoi(digits)
	if i == 0 || !ok || col > maxExcelCols || row < 1 || row > maxExcelRows {
		return 0, 0, false
	}
	return col, row, true
}

// openExcelize opens the workbook with excelize within the limits.
func openExcelize(r io.ReaderAt, size int64, lim Limits) (f *excelize.File, err error) {
	defer recoverExcelize(&err)
	opts := excelize.Options{UnzipSizeLimit: lim.MaxUnpacked, UnzipXMLSizeLimit: min(xmlInMemory, lim.MaxUnpacked)}
	if size <= inMemoryOpen {
		f, err = excelize.OpenReader(io.NewSectionReader(r, 0, size), opts)
	} else {
		var tmp *os.File
		if tmp, err = os.CreateTemp("", "gonghui-sheet-*.xlsx"); err != nil {
			return nil, unreadable(err)
		}
		defer os.Remove(tmp.Name())
		_, err = io.Copy(tmp, io.NewSectionReader(r, 0, size))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, unreadable(redact(err))
		}
		f, err = excelize.OpenFile(tmp.Name(), opts)
	}
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, unreadable(redact(err))
	}
	return f, nil
}

// recoverExcelize turns a panic inside excelize into an unreadable-file
// error: uploads are hostile input and excelize is a large parser this
// package does not control.
func recoverExcelize(err *error) {
	if p := recover(); p != nil {
		*err = unreadable(fmt.Errorf("excelize panicked: %T", p))
	}
}

func (s *xlsxSource) startRows(name string) (err error) {
	defer recoverExcelize(&err)
	if s.rows, err = s.f.Rows(name); err != nil {
		return unreadable(redact(err))
	}
	return nil
}

func (s *xlsxSource) next() (num int, cells []string, blank bool, err error) {
	defer recoverExcelize(&err)
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, false, unreadable(redact(err))
		}
		return 0, nil, false, io.EOF
	}
	s.num++
	cells, err = s.rows.Columns(s.ropts)
	if err != nil {
		return 0, nil, false, unreadable(redact(err))
	}
	blank = true
	for i, c := range cells {
		if c = clean(c); c != "" {
			blank = false
		}
		cells[i] = c
	}
	if s.merges != nil {
		cells = s.fill(cells)
	}
	return s.num, cells, blank, nil
}

// fill activates the merges whose top row this is and fills the empty cells
// of the row that lie in an active merge.
func (s *xlsxSource) fill(cells []string) []string {
	for s.mi < len(s.merges) && s.merges[s.mi].r1 <= s.num {
		m := s.merges[s.mi]
		s.mi++
		if m.r1 != s.num || m.c1 > len(cells) || cells[m.c1-1] == "" {
			continue
		}
		for c := m.c1 - 1; c < m.c2; c++ {
			s.fillVal[c], s.fillTo[c] = cells[m.c1-1], m.r2
		}
		s.fillMax = max(s.fillMax, m.r2)
	}
	if s.fillMax < s.num {
		return cells
	}
	for c, to := range s.fillTo {
		if to < s.num {
			continue
		}
		for len(cells) <= c {
			cells = append(cells, "")
		}
		if cells[c] == "" {
			cells[c] = s.fillVal[c]
		}
	}
	return cells
}

func (s *xlsxSource) headerAt(num int) {
	for c := range s.fillTo {
		s.fillTo[c] = min(s.fillTo[c], num)
	}
	s.fillMax = min(s.fillMax, num)
}

func (s *xlsxSource) consumed() int64 {
	if s.lastRow <= 0 {
		return 0
	}
	return s.size * int64(min(s.num, s.lastRow)) / int64(s.lastRow)
}

func (s *xlsxSource) encoding() string { return "" }

func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
	}
	if cerr := s.f.Close(); err == nil {
		err = cerr
	}
	return err
}
