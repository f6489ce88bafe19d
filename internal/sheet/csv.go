package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"gonghui/internal/errs"
)

const (
	sniffWindow = 64 << 10 // bytes looked at to decide an encoding or a delimiter
	// maxRecordBytes bounds one CSV record. encoding/csv holds a record in
	// memory whole; a stray quote can make the rest of a file one field, and
	// the user is better told than made to wait.
	maxRecordBytes = 8 << 20
)

// csvSource reads CSV through a pipeline of readers, each streaming:
//
//	file → counter → bufio → decoder (BOM / sniffed UTF-8 or GB18030) →
//	bufio (delimiter sniffing) → [CR to LF] → guard (field and size limits) →
//	encoding/csv
type csvSource struct {
	counter  *countingReader
	sniff    *sniffer // nil when a byte order mark decided the encoding
	enc      string
	cr       *csv.Reader
	num      int // Row.Num of the last record
	nextLine int // line just after the last record, 0 before the first
	cells    []string
}

func openCSV(r io.ReaderAt, size int64, lim Limits) (*csvSource, error) {
	s := &csvSource{counter: &countingReader{r: io.NewSectionReader(r, 0, size)}}
	raw := bufio.NewReaderSize(s.counter, sniffWindow)
	head, err := raw.Peek(8 << 10)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, unreadable(redact(err))
	}
	var text io.Reader
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		if err := notText(head[3:]); err != nil {
			return nil, err
		}
		_, _ = raw.Discard(3)
		text, s.enc = raw, "utf-8"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		_, _ = raw.Discard(2)
		text = transform.NewReader(raw, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
		s.enc = "utf-16le"
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		_, _ = raw.Discard(2)
		text = transform.NewReader(raw, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
		s.enc = "utf-16be"
	default:
		if err := notText(head); err != nil {
			return nil, err
		}
		s.sniff = &sniffer{src: raw}
		text = s.sniff
	}

	buf := bufio.NewReaderSize(text, sniffWindow)
	prefix, err := buf.Peek(sniffWindow)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, unreadable(redact(err))
	}
	comma, crOnly := sniffDelimiter(prefix)
	var stream io.Reader = buf
	if crOnly {
		stream = crToLF{buf}
	}
	s.cr = csv.NewReader(&guard{r: stream, comma: comma, maxFields: max(hardMaxColumns, lim.MaxColumns), state: fieldStart, line: 1, recLine: 1})
	s.cr.Comma = comma
	s.cr.LazyQuotes = true
	s.cr.FieldsPerRecord = -1
	s.cr.ReuseRecord = true
	return s, nil
}

// notText refuses what is plainly not a CSV file: binary files (a NUL in the
// first 8 KiB), PDFs, and the HTML or XML files that many systems save with
// an .xls name (Excel opens those, so the advice to save as .xlsx fits).
func notText(head []byte) error {
	if bytes.IndexByte(head, 0) >= 0 || bytes.HasPrefix(head, []byte("%PDF-")) {
		return unreadable(errors.New("binary file"))
	}
	start := bytes.TrimLeft(head, " \t\r\n")
	if len(start) > 0 && start[0] == '<' {
		low := bytes.ToLower(start[:min(len(start), 1024)])
		for _, tag := range []string{"<?xml", "<html", "<!doctype html", "<table", "<workbook", "<?mso"} {
			if bytes.Contains(low, []byte(tag)) {
				e := errs.Invalid("sheet_xls_unsupported", "sheet.xls_unsupported")
				e.Err = errors.New("HTML or XML spreadsheet")
				return e
			}
		}
	}
	return nil
}

func (s *csvSource) next() (int, []string, bool, error) {
	rec, err := s.cr.Read()
	if err != nil {
		if err == io.EOF {
			return 0, nil, false, io.EOF
		}
		if e, ok := errs.As(err); ok {
			return 0, nil, false, e
		}
		return 0, nil, false, unreadable(redact(err))
	}
	line, _ := s.cr.FieldPos(0)
	if s.nextLine == 0 {
		s.num = line
	} else {
		s.num += 1 + max(0, line-s.nextLine) // empty lines are rows too
	}
	newlines := 0
	blank := true
	s.cells = s.cells[:0]
	for _, f := range rec {
		newlines += strings.Count(f, "\n")
		c := clean(f)
		if c != "" {
			blank = false
		}
		s.cells = append(s.cells, c)
	}
	s.nextLine = line + newlines + 1
	return s.num, s.cells, blank, nil
}

func (s *csvSource) headerAt(int)    {}
func (s *csvSource) consumed() int64 { return s.counter.n }
func (s *csvSource) close() error    { return nil }

func (s *csvSource) encoding() string {
	if s.sniff != nil {
		return s.sniff.enc()
	}
	return s.enc
}

// sniffDelimiter picks comma, tab or semicolon by consistency over the first
// ten non-empty lines (outside quotes): for each candidate, the most common
// non-zero count per line and how many lines have it; most lines wins, then
// the higher count, then comma before tab before semicolon. A title line
// above the header (no delimiters, or a comma in a tab-separated file) or
// commas inside values do not outvote the lines of a table. crOnly is set
// for files with only CR line ends (old Mac Excel).
func sniffDelimiter(prefix []byte) (comma rune, crOnly bool) {
	crOnly = bytes.IndexByte(prefix, '\r') >= 0 && bytes.IndexByte(prefix, '\n') < 0
	cands := [...]byte{',', '\t', ';'}
	var (
		lines    [][3]int
		count    [3]int
		inQuotes bool
		nonEmpty bool
	)
	for _, b := range prefix {
		switch {
		case b == '"':
			inQuotes = !inQuotes
			nonEmpty = true
		case !inQuotes && (b == '\n' || b == '\r'):
			if nonEmpty {
				lines = append(lines, count)
			}
			count, nonEmpty = [3]int{}, false
		case !inQuotes && (b == ',' || b == '\t' || b == ';'):
			count[bytes.IndexByte(cands[:], b)]++
			nonEmpty = true
		default:
			nonEmpty = true
		}
		if len(lines) == 10 {
			break
		}
	}
	if nonEmpty && len(lines) < 10 {
		lines = append(lines, count)
	}
	pick, bestFreq, bestMode := 0, 0, 0
	for i := range cands {
		freq, mode := 0, 0
		for _, l := range lines {
			c := l[i]
			if c == 0 {
				continue
			}
			f := 0
			for _, o := range lines {
				if o[i] == c {
					f++
				}
			}
			if f > freq || f == freq && c > mode {
				freq, mode = f, c
			}
		}
		if freq > bestFreq || freq == bestFreq && mode > bestMode {
			pick, bestFreq, bestMode = i, freq, mode
		}
	}
	return rune(cands[pick]), crOnly
}

// sniffer passes ASCII through (it reads the same in UTF-8 and GB18030) and
// decides the encoding at the first non-ASCII byte, from up to 64 KiB from
// there: valid UTF-8 stays UTF-8, anything else is decoded as GB18030 (a
// superset of GBK and GB2312, what Chinese Excel saves as "CSV").
type sniffer struct {
	src *bufio.Reader
	dec io.Reader
	gb  bool
}

func (s *sniffer) enc() string {
	if s.gb {
		return "gb18030"
	}
	return "utf-8"
}

func (s *sniffer) Read(p []byte) (int, error) {
	if s.dec != nil {
		return s.dec.Read(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if _, err := s.src.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := s.src.Peek(s.src.Buffered())
	i := 0
	for i < len(buf) && buf[i] < utf8.RuneSelf {
		i++
	}
	if i == 0 {
		window, err := s.src.Peek(sniffWindow)
		if validUTF8Prefix(window, err != nil) {
			s.dec = s.src
		} else {
			s.dec = transform.NewReader(s.src, simplifiedchinese.GB18030.NewDecoder())
			s.gb = true
		}
		return s.dec.Read(p)
	}
	n := copy(p, buf[:i])
	_, _ = s.src.Discard(n)
	return n, nil
}

// validUTF8Prefix reports whether b is valid UTF-8, forgiving a multibyte
// sequence cut off at the end of the window unless the file ends there.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// crToLF turns CR line ends into LF, for files that use nothing else.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// guard follows the record structure the way encoding/csv parses it with
// LazyQuotes (a quote opens a quoted field only at the start of a field; in a
// quoted field "" is a quote and a quote followed by the delimiter or a line
// end closes it) and stops the stream when a record has more fields than
// maxFields or more bytes than maxRecordBytes. encoding/csv has no such
// limits and would otherwise build them in memory first.
type guard struct {
	r         io.Reader
	comma     rune
	maxFields int
	state     guardState
	fields    int
	bytes     int
	line      int // physical line being read, 1-based
	recLine   int // line where the current record started
	err       error
}

type guardState uint8

const (
	fieldStart guardState = iota
	unquoted
	quoted
	quoteInQuoted   // a quote inside a quoted field: closes it, or is escaped, or is bare
	quoteCRInQuoted // a quote then CR inside a quoted field: CRLF closes the record
)

func (g *guard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	comma := byte(g.comma)
	for i := 0; i < n; i++ {
		b := p[i]
		g.bytes++
		if b == '\n' {
			g.line++
		}
	again:
		switch g.state {
		case fieldStart:
			switch b {
			case '"':
				g.state = quoted
			case comma:
				g.fields++
			case '\n':
				g.endRecord()
			default:
				g.state = unquoted
			}
		case unquoted:
			switch b {
			case comma:
				g.fields++
				g.state = fieldStart
			case '\n':
				g.endRecord()
			}
		case quoted:
			if b == '"' {
				g.state = quoteInQuoted
			}
		case quoteInQuoted:
			switch b {
			case '"':
				g.state = quoted
			case comma:
				g.fields++
				g.state = fieldStart
			case '\n':
				g.endRecord()
			case '\r':
				g.state = quoteCRInQuoted
			default:
				g.state = quoted
			}
		case quoteCRInQuoted:
			if b == '\n' {
				g.endRecord()
			} else {
				g.state = quoted
				goto again
			}
		}
		if g.fields >= g.maxFields {
			g.err = errTooManyColumns(g.maxFields)
		} else if g.bytes > maxRecordBytes {
			g.err = errs.Invalid("sheet_record_too_large", "sheet.record_too_large", g.recLine, maxRecordBytes>>20)
		}
		if g.err != nil {
			return i, g.err
		}
	}
	return n, err
}

func (g *guard) endRecord() {
	g.state, g.fields, g.bytes, g.recLine = fieldStart, 0, 0, g.line
}
