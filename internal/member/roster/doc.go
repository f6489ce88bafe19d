// Package roster moves members in and out of the registry by the sheet:
// it reads roster files (.xlsx, .csv) into it, writes the error report of
// an import and a member's own data as workbooks, and fills a registry with
// synthetic members for demonstrations and benchmarks.
//
// It is split from package member along the line between the file and the
// record: here are the columns, headers, cell formats, batching and
// transactions of an import and the made-up people of the generator; in
// member, the rules of a member's record and the registry's tables. Member
// offers what the file side needs and nothing of its tables: a row's
// checks (Store.Check), the registry's verdict on a batch and its writing
// inside the caller's transaction (Store.Registry, Store.Write), a union
// looked up by id or name (Store.TargetUnion, Store.FindUnion,
// Store.UnionEmployers), and a bulk insert of rows valid by construction
// (Store.InsertSynthetic). Member does not import this package.
package roster
