// gotest: a static Go program (CGO_ENABLED=0) that exercises the Go runtime's use of
// the kernel: threads (clone), futexes, signals (async preemption by SIGURG,
// sigaltstack), the netpoller (epoll, pipes), timers, and os/exec (clone(CLONE_VFORK),
// wait4). Prints "ok NAME" or "FAIL NAME: ..." per check, then "N failures", and exits
// with the number of failures. Built by images/build.sh into images/out/gotest.
//
// With the argument "child ..." it runs in child mode (see runChild).
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var failures int

func ok(name string) { fmt.Printf("ok %s\n", name) }

func fail(name string, format string, args ...interface{}) {
	failures++
	fmt.Printf("FAIL %s: %s\n", name, fmt.Sprintf(format, args...))
}

func check(name string, cond bool, format string, args ...interface{}) {
	if cond {
		ok(name)
	} else {
		fail(name, format, args...)
	}
}

// runChild is the child mode of os/exec checks: "child echo WORDS..." prints the
// words, "child exit N" exits with N, "child stdin" copies stdin upper-cased.
func runChild(args []string) {
	switch {
	case len(args) >= 1 && args[0] == "echo":
		fmt.Println(strings.Join(args[1:], " "))
		os.Exit(0)
	case len(args) == 2 && args[0] == "exit":
		var n int
		fmt.Sscanf(args[1], "%d", &n)
		fmt.Fprintln(os.Stderr, "child exiting with", n)
		os.Exit(n)
	case len(args) == 1 && args[0] == "stdin":
		var buf bytes.Buffer
		buf.ReadFrom(os.Stdin)
		fmt.Print(strings.ToUpper(buf.String()))
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, "child: bad arguments", args)
	os.Exit(100)
}

// Eight workers sum disjoint ranges received over a channel.
func testWorkers() {
	const workers, n, chunk = 8, 1000000, 10000
	jobs := make(chan [2]int64)
	results := make(chan int64)
	for w := 0; w < workers; w++ {
		go func() {
			for j := range jobs {
				var s int64
				for i := j[0]; i < j[1]; i++ {
					s += i
				}
				results <- s
			}
		}()
	}
	go func() {
		for i := int64(0); i < n; i += chunk {
			jobs <- [2]int64{i, i + chunk}
		}
		close(jobs)
	}()
	var total int64
	for i := 0; i < n/chunk; i++ {
		total += <-results
	}
	want := int64(n) * (n - 1) / 2
	check("channel-workers", total == want, "sum %d, want %d", total, want)
}

// Many goroutines contend on a mutex; a WaitGroup waits for them.
func testMutexWaitGroup() {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				mu.Lock()
				counter++
				mu.Unlock()
				if i%500 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	wg.Wait()
	check("mutex-waitgroup", counter == 100000, "counter %d, want 100000", counter)
}

func testSleep() {
	for _, d := range []time.Duration{time.Millisecond, 30 * time.Millisecond, 120 * time.Millisecond} {
		start := time.Now()
		time.Sleep(d)
		el := time.Since(start)
		if el < d || el > d+2*time.Second {
			fail("sleep", "time.Sleep(%v) took %v", d, el)
			return
		}
	}
	ok("sleep")
}

func testTimers() {
	start := time.Now()
	t := time.NewTimer(50 * time.Millisecond)
	<-t.C
	el := time.Since(start)
	check("timer", el >= 50*time.Millisecond && el < 3*time.Second, "NewTimer(50ms) fired after %v", el)

	// A stopped timer never fires.
	t2 := time.NewTimer(20 * time.Millisecond)
	stopped := t2.Stop()
	select {
	case <-t2.C:
		fail("timer-stop", "stopped timer fired")
	case <-time.After(60 * time.Millisecond):
		check("timer-stop", stopped, "Stop returned false")
	}

	start = time.Now()
	<-time.After(40 * time.Millisecond)
	el = time.Since(start)
	check("time-after", el >= 40*time.Millisecond && el < 3*time.Second, "After(40ms) fired after %v", el)

	start = time.Now()
	tk := time.NewTicker(10 * time.Millisecond)
	for i := 0; i < 5; i++ {
		<-tk.C
	}
	tk.Stop()
	el = time.Since(start)
	check("ticker", el >= 50*time.Millisecond && el < 3*time.Second, "5 ticks of 10ms took %v", el)

	// time.AfterFunc runs its function on another goroutine.
	done := make(chan time.Duration, 1)
	start = time.Now()
	time.AfterFunc(25*time.Millisecond, func() { done <- time.Since(start) })
	select {
	case el = <-done:
		check("afterfunc", el >= 25*time.Millisecond, "AfterFunc(25ms) ran after %v", el)
	case <-time.After(3 * time.Second):
		fail("afterfunc", "AfterFunc did not run within 3s")
	}
}

func testSelectTimeout() {
	never := make(chan int)
	start := time.Now()
	select {
	case <-never:
		fail("select-timeout", "received from a channel nobody sends on")
		return
	case <-time.After(30 * time.Millisecond):
	}
	el := time.Since(start)
	check("select-timeout", el >= 30*time.Millisecond && el < 3*time.Second, "timeout after %v", el)

	// select picks the ready channel over the timeout.
	ready := make(chan int, 1)
	ready <- 7
	select {
	case v := <-ready:
		check("select-ready", v == 7, "got %d", v)
	case <-time.After(time.Second):
		fail("select-ready", "timed out with a ready channel")
	}
}

// With one P, a goroutine spinning in a loop without function calls can only be
// stopped by asynchronous preemption: sysmon sends SIGURG to the thread, and the
// signal handler (on the sigaltstack) redirects it into the scheduler.
func testPreemption() {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	var stop int32
	var spins uint64
	started := make(chan struct{})
	go func() {
		close(started)
		var n uint64
		for atomic.LoadInt32(&stop) == 0 {
			n++
		}
		atomic.StoreUint64(&spins, n)
	}()
	<-started
	// The main goroutine must run again while the loop spins: it needs the only P.
	start := time.Now()
	progress := 0
	for i := 0; i < 5; i++ {
		time.Sleep(10 * time.Millisecond)
		progress++
	}
	el := time.Since(start)
	atomic.StoreInt32(&stop, 1)
	time.Sleep(10 * time.Millisecond)
	check("async-preemption", progress == 5 && el < 5*time.Second,
		"main goroutine progress %d in %v", progress, el)
	// A forced GC also needs to stop the spinning goroutine's world.
	atomic.StoreInt32(&stop, 0)
	go func() {
		for atomic.LoadInt32(&stop) == 0 {
		}
	}()
	runtime.Gosched()
	start = time.Now()
	runtime.GC()
	el = time.Since(start)
	atomic.StoreInt32(&stop, 1)
	check("gc-stop-the-world", el < 5*time.Second, "runtime.GC took %v", el)
}

func testExec() {
	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	out, err := exec.Command(self, "child", "echo", "hello", "from", "child").Output()
	if err != nil {
		fail("exec-output", "%v", err)
	} else {
		check("exec-output", string(out) == "hello from child\n", "got %q", out)
	}

	cmd := exec.Command("/proc/self/exe", "child", "exit", "3")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		fail("exec-exit-code", "Run returned %v, want an *exec.ExitError", err)
	} else {
		check("exec-exit-code", ee.ExitCode() == 3 && stderr.String() == "child exiting with 3\n",
			"exit code %d, stderr %q", ee.ExitCode(), stderr.String())
	}

	cmd = exec.Command(self, "child", "stdin")
	cmd.Stdin = strings.NewReader("through a pipe\n")
	out, err = cmd.Output()
	check("exec-stdin", err == nil && string(out) == "THROUGH A PIPE\n", "err %v, out %q", err, out)

	// Several children at once, from several goroutines.
	var wg sync.WaitGroup
	results := make([]string, 4)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			o, err := exec.Command(self, "child", "echo", fmt.Sprint(i)).Output()
			if err != nil {
				results[i] = err.Error()
			} else {
				results[i] = strings.TrimSpace(string(o))
			}
		}(i)
	}
	wg.Wait()
	check("exec-parallel", strings.Join(results, ",") == "0,1,2,3", "got %v", results)

	err = exec.Command("/nonexistent/program").Run()
	check("exec-missing", errors.Is(err, os.ErrNotExist), "got %v", err)
}

func testPipe() {
	r, w, err := os.Pipe()
	if err != nil {
		fail("os-pipe", "%v", err)
		return
	}
	msg := strings.Repeat("x", 200000) // more than the pipe holds: the writer blocks
	go func() {
		w.Write([]byte(msg))
		w.Close()
	}()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(r)
	r.Close()
	check("os-pipe", err == nil && buf.String() == msg, "err %v, read %d bytes", err, buf.Len())

	// A read deadline on a pipe goes through the netpoller (epoll).
	r, w, _ = os.Pipe()
	r.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	start := time.Now()
	_, err = r.Read(make([]byte, 1))
	el := time.Since(start)
	check("pipe-deadline", errors.Is(err, os.ErrDeadlineExceeded) && el >= 50*time.Millisecond,
		"err %v after %v", err, el)
	r.Close()
	w.Close()
}

func testFiles() {
	dir, err := os.MkdirTemp("/tmp", "gotest")
	if err != nil {
		fail("file-io", "MkdirTemp: %v", err)
		return
	}
	defer os.RemoveAll(dir)
	path := dir + "/data.txt"
	data := []byte("line one\nline two\n")
	if err := os.WriteFile(path, data, 0644); err != nil {
		fail("file-io", "WriteFile: %v", err)
		return
	}
	got, err := os.ReadFile(path)
	check("file-io", err == nil && bytes.Equal(got, data), "err %v, got %q", err, got)
	fi, err := os.Stat(path)
	check("file-stat", err == nil && fi.Size() == int64(len(data)) && fi.Mode().Perm() == 0644 &&
		!fi.IsDir(), "err %v, %v", err, fi)
	entries, err := os.ReadDir(dir)
	check("read-dir", err == nil && len(entries) == 1 && entries[0].Name() == "data.txt",
		"err %v, %v", err, entries)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		runChild(os.Args[2:])
	}
	fmt.Printf("go %s %s/%s, %d CPUs\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	testWorkers()
	testMutexWaitGroup()
	testSleep()
	testTimers()
	testSelectTimeout()
	testPreemption()
	testExec()
	testPipe()
	testFiles()
	fmt.Printf("%d failures\n", failures)
	os.Exit(failures)
}
