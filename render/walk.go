package render

import (
	"reflect"
	"unsafe"

	"github.com/nikolalohinski/gonja/v2/tokens"
)

var tokenPtrType = reflect.TypeFor[*tokens.Token]()

// walkNodes visits every pointer reachable from a parsed gonja template,
// control-structure bodies included (gonja's own walker stops at them, and
// some of their fields are unexported). visit gets a usable pointer, so it
// may rewrite exported fields of the node in place.
func walkNodes(root any, visit func(any)) {
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || v.Type() == tokenPtrType {
				return
			}
			p := v.UnsafePointer()
			if seen[uintptr(p)] {
				return
			}
			seen[uintptr(p)] = true
			obj := reflect.NewAt(v.Type().Elem(), p)
			visit(obj.Interface())
			walk(obj.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				walk(v.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(root))
}

// unexportedField reads a field of the struct p points to, exported or not.
func unexportedField(p any, name string) any {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName(name)
	if !f.IsValid() {
		return nil
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
}
