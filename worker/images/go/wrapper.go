// Taskmill's Go job wrapper: runs in the runner image (built once, as /opt/taskmill/go-wrapper)
// and, unsandboxed, on the host (`go run wrapper.go`).
//
// Reads one JSON line {"code": ..., "args": {...}, "env": {...}} from stdin. The code is a Go
// file with a package clause and a top-level `func main(<params>) <results>`. The wrapper, in
// a fresh directory under $TMPDIR:
//   - writes the code as main.go, renaming the package to `main` and the user's `main` to
//     `taskmill_main` by splicing the identifiers in place (line numbers stay the user's);
//   - generates taskmill_harness.go: the real `func main()`, which decodes each argument by
//     name from JSON into its declared type, calls taskmill_main and writes the result;
//   - builds both with the standard library only (GOPROXY=off), then runs the binary with the
//     envelope's environment variables.
//
// With "deps" in the envelope (a folder holding a binary built before, see worker/deps), it
// skips all that and runs <deps>/main. `go-wrapper build <root> <key>` is the build step that
// makes such binaries: it reads the code on stdin, compiles it as above into
// <root>/go/<key>/main (through a temporary folder renamed into place, so a half-built binary
// is never used) and prints "built", or "present" when that binary exists already; a compile
// error is printed on stderr with exit status 1.
//
// Result channel: one JSON frame on stdout (the harness writes it on fd 3, which is this
// process's stdout), {"ok": true, "result": ...} or {"ok": false, "error": {"name",
// "message", "traceback"}}. The job's own stdout and stderr both go to stderr (the logs).
// Compile errors are frames named "compile error" with the compiler's file:line:column.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

const (
	userMain   = "taskmill_main"
	wrapperErr = 70 // EX_SOFTWARE: the wrapper itself failed, not the job
	moduleFile = "module taskmill.job\n\ngo 1.19\n"
)

type envelope struct {
	Code string                     `json:"code"`
	Args map[string]json.RawMessage `json:"args"`
	Env  map[string]string          `json:"env"`
	Deps string                     `json:"deps"`
}

// param is one parameter of the user's main, as the harness declares and decodes it.
type param struct {
	name     string // the JSON key: the Go name, or argN when unnamed or `_`
	typ      string // the type's source text; []T for a variadic ...T
	variadic bool
}

func main() {
	if len(os.Args) == 4 && os.Args[1] == "build" {
		os.Exit(buildCached(os.Args[2], os.Args[3]))
	}
	env, err := readEnvelope(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		os.Exit(wrapperErr)
	}
	dir, err := os.MkdirTemp("", "job-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		os.Exit(wrapperErr)
	}
	status := run(env, dir)
	os.RemoveAll(dir)
	os.Exit(status)
}

func readEnvelope(stdin *os.File) (*envelope, error) {
	line, err := bufio.NewReader(stdin).ReadBytes('\n')
	if err != nil && len(line) == 0 {
		return nil, fmt.Errorf("no job envelope on stdin: %v", err)
	}
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return nil, fmt.Errorf("bad job envelope: %v", err)
	}
	return &env, nil
}

// run compiles (unless a binary built before is given) and runs the job in dir, and returns
// the exit status to end with.
func run(env *envelope, dir string) int {
	args, _ := json.Marshal(env.Args)
	argsFile := filepath.Join(dir, "args.json")
	if err := os.WriteFile(argsFile, args, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		return wrapperErr
	}
	if env.Deps != "" {
		return execute(filepath.Join(env.Deps, "main"), argsFile, env.Env)
	}
	if err := compile(env.Code, dir); err != nil {
		return reportError("compile error", err.Error())
	}
	return execute(filepath.Join(dir, "job"), argsFile, env.Env)
}

// compile turns the user's code into the program dir/job.
func compile(code, dir string) error {
	source, harness, err := transform(code, dir)
	if err != nil {
		return err
	}
	files := map[string]string{"go.mod": moduleFile, "main.go": source, "taskmill_harness.go": harness}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			return err
		}
	}
	if output, err := build(dir); err != nil {
		return errors.New(compilerMessage(output, err))
	}
	return nil
}

// buildCached is the build step: the code on stdin compiled once into <root>/go/<key>/main.
func buildCached(root, key string) int {
	parent := filepath.Join(root, "go")
	final := filepath.Join(parent, key)
	if _, err := os.Stat(filepath.Join(final, "main")); err == nil {
		fmt.Println("present")
		return 0
	}
	code, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		return wrapperErr
	}
	dir, err := os.MkdirTemp("", "build-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		return wrapperErr
	}
	defer os.RemoveAll(dir)
	if err := compile(string(code), dir); err != nil {
		fmt.Fprintln(os.Stderr, "compile error: "+err.Error())
		return 1
	}
	if err := install(filepath.Join(dir, "job"), parent, final, key); err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		return wrapperErr
	}
	fmt.Println("built")
	return 0
}

// install moves the binary into final through a temporary folder beside it. The language
// folder is 0711: a job may run a binary whose key (derived from its code) it knows, but not
// list the binaries of other scripts.
func install(binary, parent, final, key string) error {
	if err := os.MkdirAll(parent, 0o711); err != nil {
		return err
	}
	if err := os.Chmod(parent, 0o711); err != nil {
		return err
	}
	temp, err := os.MkdirTemp(parent, ".tmp-"+key+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(temp) // gone after the rename; a leftover after a failure
	if err := os.Chmod(temp, 0o755); err != nil {
		return err
	}
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(temp, "main"), data, 0o755); err != nil {
		return err
	}
	if err := os.Rename(temp, final); err != nil {
		if _, statErr := os.Stat(filepath.Join(final, "main")); statErr == nil {
			return nil // a concurrent build got there first
		}
		return err
	}
	return nil
}

// transform returns the user's file ready to compile beside the harness, and the harness.
func transform(code, dir string) (string, string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "main.go", code, 0)
	if err != nil {
		return "", "", err
	}
	if err := standardOnly(file, fset); err != nil {
		return "", "", err
	}
	fn := findMain(file)
	if fn == nil {
		return "", "", errors.New("main.go: the script defines no top-level func main")
	}
	splices := map[int]string{fset.Position(file.Name.Pos()).Offset: "main"}
	replaced := map[int]int{fset.Position(file.Name.Pos()).Offset: len(file.Name.Name)}
	ast.Inspect(file, func(node ast.Node) bool {
		if ident, ok := node.(*ast.Ident); ok && ident.Obj != nil && ident.Obj == fn.Name.Obj {
			offset := fset.Position(ident.Pos()).Offset
			splices[offset], replaced[offset] = userMain, len(ident.Name)
		}
		return true
	})
	count, lastIsError := results(fn)
	return splice(code, splices, replaced), harness(parameters(fn, code, fset), count, lastIsError, dir), nil
}

// standardOnly refuses imports outside the standard library (whose paths have no dot in their
// first element): no module proxy is reachable, so they could never be downloaded.
func standardOnly(file *ast.File, fset *token.FileSet) error {
	for _, spec := range file.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil || !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
			continue
		}
		pos := fset.Position(spec.Path.Pos())
		return fmt.Errorf("main.go:%d:%d: %q is not in the standard library: Go jobs can import "+
			"the standard library only (third-party modules cannot be downloaded)", pos.Line, pos.Column, path)
	}
	return nil
}

func findMain(file *ast.File) *ast.FuncDecl {
	for _, decl := range file.Decls {
		if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "main" {
			return fn
		}
	}
	return nil
}

// splice replaces, at each offset, `replaced[offset]` bytes of code with `splices[offset]`.
func splice(code string, splices map[int]string, replaced map[int]int) string {
	offsets := make([]int, 0, len(splices))
	for offset := range splices {
		offsets = append(offsets, offset)
	}
	sort.Ints(offsets)
	var out strings.Builder
	last := 0
	for _, offset := range offsets {
		out.WriteString(code[last:offset])
		out.WriteString(splices[offset])
		last = offset + replaced[offset]
	}
	out.WriteString(code[last:])
	return out.String()
}

func parameters(fn *ast.FuncDecl, code string, fset *token.FileSet) []param {
	var params []param
	for _, field := range fn.Type.Params.List {
		typ, variadic := field.Type, false
		if ellipsis, ok := typ.(*ast.Ellipsis); ok {
			typ, variadic = ellipsis.Elt, true
		}
		text := code[fset.Position(typ.Pos()).Offset:fset.Position(typ.End()).Offset]
		if variadic {
			text = "[]" + text
		}
		names := field.Names
		if len(names) == 0 {
			names = []*ast.Ident{{Name: "_"}}
		}
		for _, ident := range names {
			name := ident.Name
			if name == "_" {
				name = fmt.Sprintf("arg%d", len(params)+1)
			}
			params = append(params, param{name: name, typ: text, variadic: variadic})
		}
	}
	return params
}

// results returns how many values main returns and whether the last one is an error.
func results(fn *ast.FuncDecl) (int, bool) {
	if fn.Type.Results == nil {
		return 0, false
	}
	count, lastIsError := 0, false
	for _, field := range fn.Type.Results.List {
		n := len(field.Names)
		if n == 0 {
			n = 1
		}
		count += n
		ident, ok := field.Type.(*ast.Ident)
		lastIsError = ok && ident.Name == "error"
	}
	return count, lastIsError
}

// harness is the generated file holding the program's real main().
func harness(params []param, count int, lastIsError bool, dir string) string {
	var b strings.Builder
	b.WriteString(harnessHeader)
	fmt.Fprintf(&b, "const taskmill_build_dir = %q\n\n", dir+"/")
	b.WriteString("func main() {\n\tdefer taskmill_recover()\n\targs := taskmill_args()\n\t_ = args\n")
	call := make([]string, len(params))
	for i, p := range params {
		fmt.Fprintf(&b, "\tvar a%d %s\n\ttaskmill_decode(args, %q, &a%d)\n", i, p.typ, p.name, i)
		call[i] = fmt.Sprintf("a%d", i)
		if p.variadic {
			call[i] += "..."
		}
	}
	names := make([]string, count)
	for i := range names {
		names[i] = fmt.Sprintf("r%d", i)
	}
	values, errValue := names, "nil"
	if lastIsError {
		values, errValue = names[:count-1], names[count-1]
	}
	assign := ""
	if count > 0 {
		assign = strings.Join(names, ", ") + " := "
	}
	fmt.Fprintf(&b, "\t%s%s(%s)\n", assign, userMain, strings.Join(call, ", "))
	switch len(values) {
	case 0:
		fmt.Fprintf(&b, "\ttaskmill_done(nil, %s)\n}\n", errValue)
	case 1:
		fmt.Fprintf(&b, "\ttaskmill_done(%s, %s)\n}\n", values[0], errValue)
	default:
		fmt.Fprintf(&b, "\ttaskmill_done([]interface{}{%s}, %s)\n}\n", strings.Join(values, ", "), errValue)
	}
	return b.String()
}

// harnessHeader: file-scoped import names cannot clash with the user's package-level names.
const harnessHeader = `package main

import (
	taskmill_json "encoding/json"
	taskmill_fmt "fmt"
	taskmill_os "os"
	taskmill_debug "runtime/debug"
	taskmill_strings "strings"
)

var taskmill_result = taskmill_os.NewFile(3, "result")

func taskmill_args() map[string]taskmill_json.RawMessage {
	path := taskmill_os.Args[1]
	taskmill_os.Args = taskmill_os.Args[:1]
	data, err := taskmill_os.ReadFile(path)
	taskmill_os.Remove(path)
	args := map[string]taskmill_json.RawMessage{}
	if err == nil {
		err = taskmill_json.Unmarshal(data, &args)
	}
	if err != nil {
		taskmill_fail("invalid arguments", err.Error(), nil)
	}
	return args
}

func taskmill_decode(args map[string]taskmill_json.RawMessage, name string, into interface{}) {
	raw, ok := args[name]
	if !ok || string(raw) == "null" {
		return // the zero value, as Go gives a variable nobody set
	}
	if err := taskmill_json.Unmarshal(raw, into); err != nil {
		taskmill_fail("invalid argument", name+": "+err.Error(), nil)
	}
}

func taskmill_recover() {
	if r := recover(); r != nil {
		stack := taskmill_trace(string(taskmill_debug.Stack()))
		taskmill_fail("panic", taskmill_fmt.Sprint(r), &stack)
	}
}

// taskmill_trace keeps the user's frames of a panic's stack, with paths relative to the job
// directory it was built in (main.go:12) and the user's function called main again.
func taskmill_trace(stack string) string {
	stack = taskmill_strings.ReplaceAll(stack, taskmill_build_dir, "")
	stack = taskmill_strings.ReplaceAll(stack, "main.taskmill_main(", "main.main(")
	lines := taskmill_strings.Split(taskmill_strings.TrimSpace(stack), "\n")
	kept := lines[:1]
	for i := 1; i+1 < len(lines); i += 2 { // a function line, then its file:line
		if taskmill_strings.HasPrefix(lines[i], "panic(") {
			kept = lines[:1] // what came before is the recovery machinery
		} else if !taskmill_strings.Contains(lines[i+1], "taskmill_harness.go") {
			kept = append(kept, lines[i], lines[i+1])
		}
	}
	return taskmill_strings.Join(kept, "\n")
}

func taskmill_done(result interface{}, err error) {
	if err != nil {
		taskmill_fail("error", err.Error(), nil)
	}
	frame, err := taskmill_json.Marshal(map[string]interface{}{"ok": true, "result": result})
	if err != nil {
		taskmill_fail("ResultNotJSON", "main returned a value JSON cannot encode: "+err.Error(), nil)
	}
	taskmill_write(frame, 0)
}

func taskmill_fail(name, message string, traceback *string) {
	frame, _ := taskmill_json.Marshal(map[string]interface{}{"ok": false, "error": map[string]interface{}{
		"name": name, "message": message, "traceback": traceback}})
	taskmill_write(frame, 1)
}

func taskmill_write(frame []byte, status int) {
	taskmill_result.Write(append(frame, '\n'))
	taskmill_os.Exit(status)
}

`

func build(dir string) ([]byte, error) {
	// No -trimpath and no CGO_ENABLED=0: either makes the precompiled standard library stale,
	// and rebuilding it costs each job 10-20 s instead of under one.
	cmd := exec.Command("go", "build", "-o", "job", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOCACHE="+filepath.Join(dir, "cache"),
		"GOPATH="+filepath.Join(dir, "gopath"), "GOFLAGS=-mod=mod", "GOPROXY=off",
		"GO111MODULE=on", "GOTOOLCHAIN=local", "GOWORK=off")
	return cmd.CombinedOutput()
}

// compilerMessage keeps the compiler's diagnostics, without "# package" headers and progress.
func compilerMessage(output []byte, err error) string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(string(output)), "\n") {
		if !strings.HasPrefix(line, "# ") && !strings.HasPrefix(line, "go: finding module") {
			lines = append(lines, strings.TrimPrefix(line, "./"))
		}
	}
	if len(lines) == 0 || lines[0] == "" {
		return err.Error()
	}
	return strings.Join(lines, "\n")
}

// execute runs the built job with the job's environment variables added: its stdout and
// stderr are logs, fd 3 is the result channel.
func execute(binary, argsFile string, env map[string]string) int {
	cmd := exec.Command(binary, argsFile)
	cmd.Env = os.Environ()
	for name, value := range env {
		cmd.Env = append(cmd.Env, name+"="+value)
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.ExtraFiles = []*os.File{os.Stdout}
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if status, ok := exit.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			return 128 + int(status.Signal())
		}
		return exit.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "taskmill wrapper:", err)
		return wrapperErr
	}
	return 0
}

func reportError(name, message string) int {
	frame, _ := json.Marshal(map[string]interface{}{"ok": false,
		"error": map[string]interface{}{"name": name, "message": message, "traceback": nil}})
	os.Stdout.Write(append(frame, '\n'))
	return 1
}
