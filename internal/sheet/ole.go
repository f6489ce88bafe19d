package sheet

import (
	"bytes"
	"errors"
	"io"

	"gonghui/internal/errs"
)

// encryptedMarker is the name of the stream that holds a password-protected
// .xlsx inside its OLE2 container ("EncryptedPackage" in UTF-16LE, as
// directory entries store names).
var encryptedMarker = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e\x00")

// oleError explains an OLE2 file: a workbook with an opening password (Excel
// and WPS wrap those in OLE2 whatever the extension), or an old .xls.
// Directory entries can sit anywhere in the file, so the whole file is
// scanned for the stream name, in chunks.
func oleError(r io.ReaderAt, size int64) error {
	const chunk = 1 << 20
	buf := make([]byte, chunk+len(encryptedMarker))
	for off := int64(0); off < size; off += chunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if bytes.Contains(buf[:n], encryptedMarker) {
			e := errs.Invalid("sheet_encrypted", "sheet.encrypted")
			e.Err = errors.New("password-protected workbook")
			return e
		}
		if err != nil && err != io.EOF {
			return unreadable(redact(err))
		}
	}
	e := errs.Invalid("sheet_xls_unsupported", "sheet.xls_unsupported")
	e.Err = errors.New("OLE2 file (.xls)")
	return e
}
