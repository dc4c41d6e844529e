package contract_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every exported identifier of the package has a doc comment that starts with its name.
func TestDocComments(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var sawPackageDoc bool
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		if f.Doc != nil && strings.HasPrefix(f.Doc.Text(), "Package contract ") {
			sawPackageDoc = true
		}
		check := func(ident *ast.Ident, docs ...*ast.CommentGroup) {
			if !ident.IsExported() {
				return
			}
			for _, d := range docs {
				if d != nil && strings.HasPrefix(d.Text(), ident.Name+" ") {
					return
				}
			}
			t.Errorf("%s: %s has no doc comment starting with its name", fset.Position(ident.Pos()), ident.Name)
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil && !exportedReceiver(d.Recv) {
					continue
				}
				check(d.Name, d.Doc)
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						check(s.Name, s.Doc, d.Doc)
						if st, ok := s.Type.(*ast.StructType); ok && s.Name.IsExported() {
							for _, field := range st.Fields.List {
								for _, n := range field.Names {
									check(n, field.Doc)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							check(n, s.Doc, singleSpecDoc(d))
						}
					}
				}
			}
		}
	}
	if !sawPackageDoc {
		t.Error("no file has a package doc starting with \"Package contract \"")
	}
}

// singleSpecDoc is a declaration's doc when it declares one name, where gofmt puts the comment.
func singleSpecDoc(d *ast.GenDecl) *ast.CommentGroup {
	if len(d.Specs) == 1 {
		return d.Doc
	}
	return nil
}

func exportedReceiver(fl *ast.FieldList) bool {
	t := fl.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}
