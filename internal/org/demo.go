package org

import (
	"fmt"

	"gonghui/internal/cnid"
	"gonghui/internal/db"
	"gonghui/internal/demo"
)

// DemoNodes turns the nested demo world into BulkInsert rows, parent before
// child, with new IDs: what the demo loader inserts.
func DemoNodes(root demo.Node) ([]NewNode, error) {
	var out []NewNode
	var walk func(n demo.Node, parent int64) error
	walk = func(n demo.Node, parent int64) error {
		nn := NewNode{ID: db.NewID(), ParentID: parent, Name: n.Name, ShortName: n.Short, Kind: Kind(n.Kind), DivisionCode: n.Division, Address: n.Address}
		if n.Employer != nil {
			e, err := demoEmployer(*n.Employer)
			if err != nil {
				return err
			}
			nn.Employer = &e
		}
		for _, c := range n.Covers {
			e, err := demoEmployer(c)
			if err != nil {
				return err
			}
			nn.Covers = append(nn.Covers, e)
		}
		for _, o := range n.Officers {
			nn.Officers = append(nn.Officers, OfficerInput{Name: o.Name, Position: o.Position, TermStart: o.TermStart, TermEnd: o.TermEnd})
		}
		out = append(out, nn)
		for _, c := range n.Children {
			if err := walk(c, nn.ID); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(root, 0)
}

func demoEmployer(e demo.Employer) (EmployerInput, error) {
	code, err := cnid.MakeCreditCode(e.CreditBody)
	if err != nil {
		return EmployerInput{}, fmt.Errorf("demo employer %s: %w", e.Name, err)
	}
	return EmployerInput{Name: e.Name, ShortName: e.Short, CreditCode: code, Category: e.Category, Industry: e.Industry,
		NewForms: e.NewForms, Employees: e.Employees, Address: e.Address, DivisionCode: e.Division}, nil
}
