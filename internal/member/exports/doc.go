// Package exports takes the registry out as a workbook: the export of the
// filtered list, masked or (with member.reveal, a reason and a slot of the
// hourly quota) with full numbers, and the requests to export full numbers
// that wait for a second person's approval and are downloaded once.
//
// It is split from package member along the line between the record and
// what leaves with it. Member offers what an export needs and nothing of
// its tables but export_requests: the rows a query matches (Store.Each,
// Store.CountRows), the union an export covers (Store.ReadableUnion), the
// account's hourly counts (Store.NoteReads, Store.TakeExportSlot), what a
// search was for without its number (SearchKind), and the helpers requests
// under review share for reading and paging (One, ScanAll, CutPage,
// ParseCursor, StampOf). Member does not import this package.
package exports
