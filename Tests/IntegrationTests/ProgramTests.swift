// Static C programs from images/: what the kernel hands a program at entry
// (argv, envp, auxv), its exit status, its output streams, and its FPU state.
import Testing

extension Integration {
    @Suite struct Programs {
        @Test(arguments: ["hello-musl", "hello-glibc", "hello-musl-pie", "hello-glibc-pie"])
        func helloWorld(_ name: String) throws {
            guard let r = Swiftlet.runImage(name) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "hello, world\n", "\(r)")
            // The kernel log is hidden without --kernel-log, and a successful run says nothing.
            #expect(r.stderr.isEmpty, "\(r)")
        }

        @Test(
            "argv, envp, auxv and exit status reach the program",
            arguments: ["showargs-musl", "showargs-glibc", "showargs-musl-pie", "showargs-glibc-pie"])
        func showArgs(_ name: String) throws {
            guard let program = Swiftlet.image(name) else { return }
            // Options after PROGRAM ("--not-an-option", "-e") belong to the program.
            let arguments = ["a b", "", "héllo wörld ✓ 日本", "--not-an-option", "-e", "x=y"]
            let options = ["--env", "EXIT_CODE=42", "-e", "FOO=bar", "--env", "SPACED=a b =c"]
            guard let r = Swiftlet.run(options: options, program, arguments, term: "xterm-swiftlet")
            else { return }
            #expect(r.status == 42, "\(r)")
            let out = ShowArgsOutput(r.stdoutText)
            #expect(out.argv == [program] + arguments, "\(r)")
            #expect(out["argc"] == "\(arguments.count + 1)")
            #expect(out["argv_terminated"] == "1")
            let expectedEnv = defaultGuestEnvironment + [
                "TERM=xterm-swiftlet", "EXIT_CODE=42", "FOO=bar", "SPACED=a b =c",
            ]
            #expect(Set(out.env) == Set(expectedEnv), "\(r)")
            #expect(out.env.count == expectedEnv.count, "\(r)")

            #expect(out["AT_PAGESZ"] == "4096")
            #expect(out["AT_PHENT"] == "56")
            #expect(out["AT_UID"] == out["getuid"])
            #expect(out["AT_EUID"] == out["getuid"])
            #expect(out["AT_GID"] == out["getgid"])
            #expect(out["AT_EGID"] == out["getgid"])
            #expect(out["AT_UID"] != nil)
            #expect(out["AT_SECURE"] == "0")
            #expect(out["AT_CLKTCK"] == "100")
            #expect(out["AT_HWCAP_nonzero"] == "1")
            #expect(out["AT_ENTRY_nonzero"] == "1")
            #expect(out["AT_PHDR_matches"] == "1", "AT_PHDR must point at the loaded program headers")
            #expect(out["AT_PHNUM_matches"] == "1")
            #expect(out["AT_ENTRY_matches"] == "1", "AT_ENTRY must be the program's _start")
            #expect(out["AT_PLATFORM"] == "x86_64")
            let random = out["AT_RANDOM"] ?? ""
            #expect(random.count == 32 && random != String(repeating: "0", count: 32), "AT_RANDOM=\(random)")
            // The program runs as /bin/<basename> in the guest.
            let execfn = out["AT_EXECFN"] ?? ""
            #expect(execfn.hasSuffix("/" + name) || execfn == name, "AT_EXECFN=\(execfn)")
            #expect(out["exit"] == "42")
            #expect(r.stderr.isEmpty, "\(r)")
        }

        @Test("default environment, argv[0] as typed, exit 0")
        func showArgsDefaults() throws {
            guard let program = Swiftlet.image("showargs-musl") else { return }
            let directory = String(program.prefix(upTo: program.lastIndex(of: "/")!))
            // With TERM unset on the host, the guest gets exactly PATH and HOME.
            guard let r = Swiftlet.run("./showargs-musl", term: nil, workingDirectory: directory)
            else { return }
            #expect(r.status == 0, "\(r)")
            let out = ShowArgsOutput(r.stdoutText)
            #expect(out.argv == ["./showargs-musl"], "\(r)")
            #expect(Set(out.env) == Set(defaultGuestEnvironment), "\(r)")
            #expect(out.env.count == 2, "\(r)")
        }

        @Test("AT_RANDOM differs between boots")
        func atRandomPerBoot() throws {
            guard let program = Swiftlet.image("showargs-musl"),
                let first = Swiftlet.run(program), let second = Swiftlet.run(program)
            else { return }
            let a = ShowArgsOutput(first.stdoutText)["AT_RANDOM"]
            let b = ShowArgsOutput(second.stdoutText)["AT_RANDOM"]
            #expect(a != nil && b != nil && a != b, "AT_RANDOM \(a ?? "nil") then \(b ?? "nil")")
        }

        @Test("stdout and stderr stay separate, byte for byte")
        func twoStreams() throws {
            guard let r = Swiftlet.runImage("twostreams") else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutText == "out1\nout2\ntail-without-newline", "\(r)")
            #expect(r.stderrText == "err1\nerr2\n", "\(r)")
        }

        @Test("SSE/AVX/x87 state survives syscalls", arguments: ["fpu-musl", "fpu-glibc"])
        func fpuState(_ name: String) throws {
            guard let r = Swiftlet.runImage(name) else { return }
            #expect(r.status == 0, "\(r)")
            #expect(r.stdoutLines.contains("fpu ok"), "\(r)")
        }

        @Test("the skeleton's syscalls behave like Linux", arguments: ["syscalls-musl", "syscalls-glibc"])
        func syscalls(_ name: String) throws {
            // Only printed if a write through /dev/stdout really reached stdout.
            let passed = Swiftlet.runSelfChecking(name, required: ["dev-stdout-write"])
            // A run that stopped early would have few lines: the program makes ~200 checks.
            #expect((passed?.count ?? 0) > 150, "\(passed ?? [])")
        }
    }
}
