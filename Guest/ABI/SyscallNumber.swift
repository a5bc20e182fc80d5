/// x86_64 Linux syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl), generated
/// from the host's asm/unistd_64.h. Names keep the kernel spelling.
public enum SyscallNumber {
    public static let read: Int = 0
    public static let write: Int = 1
    public static let open: Int = 2
    public static let close: Int = 3
    public static let stat: Int = 4
    public static let fstat: Int = 5
    public static let lstat: Int = 6
    public static let poll: Int = 7
    public static let lseek: Int = 8
    public static let mmap: Int = 9
    public static let mprotect: Int = 10
    public static let munmap: Int = 11
    public static let brk: Int = 12
    public static let rt_sigaction: Int = 13
    public static let rt_sigprocmask: Int = 14
    public static let rt_sigreturn: Int = 15
    public static let ioctl: Int = 16
    public static let pread64: Int = 17
    public static let pwrite64: Int = 18
    public static let readv: Int = 19
    public static let writev: Int = 20
    public static let access: Int = 21
    public static let pipe: Int = 22
    public static let select: Int = 23
    public static let sched_yield: Int = 24
    public static let mremap: Int = 25
    public static let msync: Int = 26
    public static let mincore: Int = 27
    public static let madvise: Int = 28
    public static let shmget: Int = 29
    public static let shmat: Int = 30
    public static let shmctl: Int = 31
    public static let dup: Int = 32
    public static let dup2: Int = 33
    public static let pause: Int = 34
    public static let nanosleep: Int = 35
    public static let getitimer: Int = 36
    public static let alarm: Int = 37
    public static let setitimer: Int = 38
    public static let getpid: Int = 39
    public static let sendfile: Int = 40
    public static let socket: Int = 41
    public static let connect: Int = 42
    public static let accept: Int = 43
    public static let sendto: Int = 44
    public static let recvfrom: Int = 45
    public static let sendmsg: Int = 46
    public static let recvmsg: Int = 47
    public static let shutdown: Int = 48
    public static let bind: Int = 49
    public static let listen: Int = 50
    public static let getsockname: Int = 51
    public static let getpeername: Int = 52
    public static let socketpair: Int = 53
    public static let setsockopt: Int = 54
    public static let getsockopt: Int = 55
    public static let clone: Int = 56
    public static let fork: Int = 57
    public static let vfork: Int = 58
    public static let execve: Int = 59
    public static let exit: Int = 60
    public static let wait4: Int = 61
    public static let kill: Int = 62
    public static let uname: Int = 63
    public static let semget: Int = 64
    public static let semop: Int = 65
    public static let semctl: Int = 66
    public static let shmdt: Int = 67
    public static let msgget: Int = 68
    public static let msgsnd: Int = 69
    public static let msgrcv: Int = 70
    public static let msgctl: Int = 71
    public static let fcntl: Int = 72
    public static let flock: Int = 73
    public static let fsync: Int = 74
    public static let fdatasync: Int = 75
    public static let truncate: Int = 76
    public static let ftruncate: Int = 77
    public static let getdents: Int = 78
    public static let getcwd: Int = 79
    public static let chdir: Int = 80
    public static let fchdir: Int = 81
    public static let rename: Int = 82
    public static let mkdir: Int = 83
    public static let rmdir: Int = 84
    public static let creat: Int = 85
    public static let link: Int = 86
    public static let unlink: Int = 87
    public static let symlink: Int = 88
    public static let readlink: Int = 89
    public static let chmod: Int = 90
    public static let fchmod: Int = 91
    public static let chown: Int = 92
    public static let fchown: Int = 93
    public static let lchown: Int = 94
    public static let umask: Int = 95
    public static let gettimeofday: Int = 96
    public static let getrlimit: Int = 97
    public static let getrusage: Int = 98
    public static let sysinfo: Int = 99
    public static let times: Int = 100
    public static let ptrace: Int = 101
    public static let getuid: Int = 102
    public static let syslog: Int = 103
    public static let getgid: Int = 104
    public static let setuid: Int = 105
    public static let setgid: Int = 106
    public static let geteuid: Int = 107
    public static let getegid: Int = 108
    public static let setpgid: Int = 109
    public static let getppid: Int = 110
    public static let getpgrp: Int = 111
    public static let setsid: Int = 112
    public static let setreuid: Int = 113
    public static let setregid: Int = 114
    public static let getgroups: Int = 115
    public static let setgroups: Int = 116
    public static let setresuid: Int = 117
    public static let getresuid: Int = 118
    public static let setresgid: Int = 119
    public static let getresgid: Int = 120
    public static let getpgid: Int = 121
    public static let setfsuid: Int = 122
    public static let setfsgid: Int = 123
    public static let getsid: Int = 124
    public static let capget: Int = 125
    public static let capset: Int = 126
    public static let rt_sigpending: Int = 127
    public static let rt_sigtimedwait: Int = 128
    public static let rt_sigqueueinfo: Int = 129
    public static let rt_sigsuspend: Int = 130
    public static let sigaltstack: Int = 131
    public static let utime: Int = 132
    public static let mknod: Int = 133
    public static let uselib: Int = 134
    public static let personality: Int = 135
    public static let ustat: Int = 136
    public static let statfs: Int = 137
    public static let fstatfs: Int = 138
    public static let sysfs: Int = 139
    public static let getpriority: Int = 140
    public static let setpriority: Int = 141
    public static let sched_setparam: Int = 142
    public static let sched_getparam: Int = 143
    public static let sched_setscheduler: Int = 144
    public static let sched_getscheduler: Int = 145
    public static let sched_get_priority_max: Int = 146
    public static let sched_get_priority_min: Int = 147
    public static let sched_rr_get_interval: Int = 148
    public static let mlock: Int = 149
    public static let munlock: Int = 150
    public static let mlockall: Int = 151
    public static let munlockall: Int = 152
    public static let vhangup: Int = 153
    public static let modify_ldt: Int = 154
    public static let pivot_root: Int = 155
    public static let _sysctl: Int = 156
    public static let prctl: Int = 157
    public static let arch_prctl: Int = 158
    public static let adjtimex: Int = 159
    public static let setrlimit: Int = 160
    public static let chroot: Int = 161
    public static let sync: Int = 162
    public static let acct: Int = 163
    public static let settimeofday: Int = 164
    public static let mount: Int = 165
    public static let umount2: Int = 166
    public static let swapon: Int = 167
    public static let swapoff: Int = 168
    public static let reboot: Int = 169
    public static let sethostname: Int = 170
    public static let setdomainname: Int = 171
    public static let iopl: Int = 172
    public static let ioperm: Int = 173
    public static let create_module: Int = 174
    public static let init_module: Int = 175
    public static let delete_module: Int = 176
    public static let get_kernel_syms: Int = 177
    public static let query_module: Int = 178
    public static let quotactl: Int = 179
    public static let nfsservctl: Int = 180
    public static let getpmsg: Int = 181
    public static let putpmsg: Int = 182
    public static let afs_syscall: Int = 183
    public static let tuxcall: Int = 184
    public static let security: Int = 185
    public static let gettid: Int = 186
    public static let readahead: Int = 187
    public static let setxattr: Int = 188
    public static let lsetxattr: Int = 189
    public static let fsetxattr: Int = 190
    public static let getxattr: Int = 191
    public static let lgetxattr: Int = 192
    public static let fgetxattr: Int = 193
    public static let listxattr: Int = 194
    public static let llistxattr: Int = 195
    public static let flistxattr: Int = 196
    public static let removexattr: Int = 197
    public static let lremovexattr: Int = 198
    public static let fremovexattr: Int = 199
    public static let tkill: Int = 200
    public static let time: Int = 201
    public static let futex: Int = 202
    public static let sched_setaffinity: Int = 203
    public static let sched_getaffinity: Int = 204
    public static let set_thread_area: Int = 205
    public static let io_setup: Int = 206
    public static let io_destroy: Int = 207
    public static let io_getevents: Int = 208
    public static let io_submit: Int = 209
    public static let io_cancel: Int = 210
    public static let get_thread_area: Int = 211
    public static let lookup_dcookie: Int = 212
    public static let epoll_create: Int = 213
    public static let epoll_ctl_old: Int = 214
    public static let epoll_wait_old: Int = 215
    public static let remap_file_pages: Int = 216
    public static let getdents64: Int = 217
    public static let set_tid_address: Int = 218
    public static let restart_syscall: Int = 219
    public static let semtimedop: Int = 220
    public static let fadvise64: Int = 221
    public static let timer_create: Int = 222
    public static let timer_settime: Int = 223
    public static let timer_gettime: Int = 224
    public static let timer_getoverrun: Int = 225
    public static let timer_delete: Int = 226
    public static let clock_settime: Int = 227
    public static let clock_gettime: Int = 228
    public static let clock_getres: Int = 229
    public static let clock_nanosleep: Int = 230
    public static let exit_group: Int = 231
    public static let epoll_wait: Int = 232
    public static let epoll_ctl: Int = 233
    public static let tgkill: Int = 234
    public static let utimes: Int = 235
    public static let vserver: Int = 236
    public static let mbind: Int = 237
    public static let set_mempolicy: Int = 238
    public static let get_mempolicy: Int = 239
    public static let mq_open: Int = 240
    public static let mq_unlink: Int = 241
    public static let mq_timedsend: Int = 242
    public static let mq_timedreceive: Int = 243
    public static let mq_notify: Int = 244
    public static let mq_getsetattr: Int = 245
    public static let kexec_load: Int = 246
    public static let waitid: Int = 247
    public static let add_key: Int = 248
    public static let request_key: Int = 249
    public static let keyctl: Int = 250
    public static let ioprio_set: Int = 251
    public static let ioprio_get: Int = 252
    public static let inotify_init: Int = 253
    public static let inotify_add_watch: Int = 254
    public static let inotify_rm_watch: Int = 255
    public static let migrate_pages: Int = 256
    public static let openat: Int = 257
    public static let mkdirat: Int = 258
    public static let mknodat: Int = 259
    public static let fchownat: Int = 260
    public static let futimesat: Int = 261
    public static let newfstatat: Int = 262
    public static let unlinkat: Int = 263
    public static let renameat: Int = 264
    public static let linkat: Int = 265
    public static let symlinkat: Int = 266
    public static let readlinkat: Int = 267
    public static let fchmodat: Int = 268
    public static let faccessat: Int = 269
    public static let pselect6: Int = 270
    public static let ppoll: Int = 271
    public static let unshare: Int = 272
    public static let set_robust_list: Int = 273
    public static let get_robust_list: Int = 274
    public static let splice: Int = 275
    public static let tee: Int = 276
    public static let sync_file_range: Int = 277
    public static let vmsplice: Int = 278
    public static let move_pages: Int = 279
    public static let utimensat: Int = 280
    public static let epoll_pwait: Int = 281
    public static let signalfd: Int = 282
    public static let timerfd_create: Int = 283
    public static let eventfd: Int = 284
    public static let fallocate: Int = 285
    public static let timerfd_settime: Int = 286
    public static let timerfd_gettime: Int = 287
    public static let accept4: Int = 288
    public static let signalfd4: Int = 289
    public static let eventfd2: Int = 290
    public static let epoll_create1: Int = 291
    public static let dup3: Int = 292
    public static let pipe2: Int = 293
    public static let inotify_init1: Int = 294
    public static let preadv: Int = 295
    public static let pwritev: Int = 296
    public static let rt_tgsigqueueinfo: Int = 297
    public static let perf_event_open: Int = 298
    public static let recvmmsg: Int = 299
    public static let fanotify_init: Int = 300
    public static let fanotify_mark: Int = 301
    public static let prlimit64: Int = 302
    public static let name_to_handle_at: Int = 303
    public static let open_by_handle_at: Int = 304
    public static let clock_adjtime: Int = 305
    public static let syncfs: Int = 306
    public static let sendmmsg: Int = 307
    public static let setns: Int = 308
    public static let getcpu: Int = 309
    public static let process_vm_readv: Int = 310
    public static let process_vm_writev: Int = 311
    public static let kcmp: Int = 312
    public static let finit_module: Int = 313
    public static let sched_setattr: Int = 314
    public static let sched_getattr: Int = 315
    public static let renameat2: Int = 316
    public static let seccomp: Int = 317
    public static let getrandom: Int = 318
    public static let memfd_create: Int = 319
    public static let kexec_file_load: Int = 320
    public static let bpf: Int = 321
    public static let execveat: Int = 322
    public static let userfaultfd: Int = 323
    public static let membarrier: Int = 324
    public static let mlock2: Int = 325
    public static let copy_file_range: Int = 326
    public static let preadv2: Int = 327
    public static let pwritev2: Int = 328
    public static let pkey_mprotect: Int = 329
    public static let pkey_alloc: Int = 330
    public static let pkey_free: Int = 331
    public static let statx: Int = 332
    public static let io_pgetevents: Int = 333
    public static let rseq: Int = 334
    public static let pidfd_send_signal: Int = 424
    public static let io_uring_setup: Int = 425
    public static let io_uring_enter: Int = 426
    public static let io_uring_register: Int = 427
    public static let open_tree: Int = 428
    public static let move_mount: Int = 429
    public static let fsopen: Int = 430
    public static let fsconfig: Int = 431
    public static let fsmount: Int = 432
    public static let fspick: Int = 433
    public static let pidfd_open: Int = 434
    public static let clone3: Int = 435
    public static let close_range: Int = 436
    public static let openat2: Int = 437
    public static let pidfd_getfd: Int = 438
    public static let faccessat2: Int = 439
    public static let process_madvise: Int = 440
    public static let epoll_pwait2: Int = 441
    public static let mount_setattr: Int = 442
    public static let quotactl_fd: Int = 443
    public static let landlock_create_ruleset: Int = 444
    public static let landlock_add_rule: Int = 445
    public static let landlock_restrict_self: Int = 446
    public static let memfd_secret: Int = 447
    public static let process_mrelease: Int = 448
    public static let futex_waitv: Int = 449
    public static let set_mempolicy_home_node: Int = 450

    /// The kernel name of syscall `number`, for the "unimplemented" log line.
    public static func name(_ number: Int) -> StaticString {
        switch number {
        case 0: return "read"
        case 1: return "write"
        case 2: return "open"
        case 3: return "close"
        case 4: return "stat"
        case 5: return "fstat"
        case 6: return "lstat"
        case 7: return "poll"
        case 8: return "lseek"
        case 9: return "mmap"
        case 10: return "mprotect"
        case 11: return "munmap"
        case 12: return "brk"
        case 13: return "rt_sigaction"
        case 14: return "rt_sigprocmask"
        case 15: return "rt_sigreturn"
        case 16: return "ioctl"
        case 17: return "pread64"
        case 18: return "pwrite64"
        case 19: return "readv"
        case 20: return "writev"
        case 21: return "access"
        case 22: return "pipe"
        case 23: return "select"
        case 24: return "sched_yield"
        case 25: return "mremap"
        case 26: return "msync"
        case 27: return "mincore"
        case 28: return "madvise"
        case 29: return "shmget"
        case 30: return "shmat"
        case 31: return "shmctl"
        case 32: return "dup"
        case 33: return "dup2"
        case 34: return "pause"
        case 35: return "nanosleep"
        case 36: return "getitimer"
        case 37: return "alarm"
        case 38: return "setitimer"
        case 39: return "getpid"
        case 40: return "sendfile"
        case 41: return "socket"
        case 42: return "connect"
        case 43: return "accept"
        case 44: return "sendto"
        case 45: return "recvfrom"
        case 46: return "sendmsg"
        case 47: return "recvmsg"
        case 48: return "shutdown"
        case 49: return "bind"
        case 50: return "listen"
        case 51: return "getsockname"
        case 52: return "getpeername"
        case 53: return "socketpair"
        case 54: return "setsockopt"
        case 55: return "getsockopt"
        case 56: return "clone"
        case 57: return "fork"
        case 58: return "vfork"
        case 59: return "execve"
        case 60: return "exit"
        case 61: return "wait4"
        case 62: return "kill"
        case 63: return "uname"
        case 64: return "semget"
        case 65: return "semop"
        case 66: return "semctl"
        case 67: return "shmdt"
        case 68: return "msgget"
        case 69: return "msgsnd"
        case 70: return "msgrcv"
        case 71: return "msgctl"
        case 72: return "fcntl"
        case 73: return "flock"
        case 74: return "fsync"
        case 75: return "fdatasync"
        case 76: return "truncate"
        case 77: return "ftruncate"
        case 78: return "getdents"
        case 79: return "getcwd"
        case 80: return "chdir"
        case 81: return "fchdir"
        case 82: return "rename"
        case 83: return "mkdir"
        case 84: return "rmdir"
        case 85: return "creat"
        case 86: return "link"
        case 87: return "unlink"
        case 88: return "symlink"
        case 89: return "readlink"
        case 90: return "chmod"
        case 91: return "fchmod"
        case 92: return "chown"
        case 93: return "fchown"
        case 94: return "lchown"
        case 95: return "umask"
        case 96: return "gettimeofday"
        case 97: return "getrlimit"
        case 98: return "getrusage"
        case 99: return "sysinfo"
        case 100: return "times"
        case 101: return "ptrace"
        case 102: return "getuid"
        case 103: return "syslog"
        case 104: return "getgid"
        case 105: return "setuid"
        case 106: return "setgid"
        case 107: return "geteuid"
        case 108: return "getegid"
        case 109: return "setpgid"
        case 110: return "getppid"
        case 111: return "getpgrp"
        case 112: return "setsid"
        case 113: return "setreuid"
        case 114: return "setregid"
        case 115: return "getgroups"
        case 116: return "setgroups"
        case 117: return "setresuid"
        case 118: return "getresuid"
        case 119: return "setresgid"
        case 120: return "getresgid"
        case 121: return "getpgid"
        case 122: return "setfsuid"
        case 123: return "setfsgid"
        case 124: return "getsid"
        case 125: return "capget"
        case 126: return "capset"
        case 127: return "rt_sigpending"
        case 128: return "rt_sigtimedwait"
        case 129: return "rt_sigqueueinfo"
        case 130: return "rt_sigsuspend"
        case 131: return "sigaltstack"
        case 132: return "utime"
        case 133: return "mknod"
        case 134: return "uselib"
        case 135: return "personality"
        case 136: return "ustat"
        case 137: return "statfs"
        case 138: return "fstatfs"
        case 139: return "sysfs"
        case 140: return "getpriority"
        case 141: return "setpriority"
        case 142: return "sched_setparam"
        case 143: return "sched_getparam"
        case 144: return "sched_setscheduler"
        case 145: return "sched_getscheduler"
        case 146: return "sched_get_priority_max"
        case 147: return "sched_get_priority_min"
        case 148: return "sched_rr_get_interval"
        case 149: return "mlock"
        case 150: return "munlock"
        case 151: return "mlockall"
        case 152: return "munlockall"
        case 153: return "vhangup"
        case 154: return "modify_ldt"
        case 155: return "pivot_root"
        case 156: return "_sysctl"
        case 157: return "prctl"
        case 158: return "arch_prctl"
        case 159: return "adjtimex"
        case 160: return "setrlimit"
        case 161: return "chroot"
        case 162: return "sync"
        case 163: return "acct"
        case 164: return "settimeofday"
        case 165: return "mount"
        case 166: return "umount2"
        case 167: return "swapon"
        case 168: return "swapoff"
        case 169: return "reboot"
        case 170: return "sethostname"
        case 171: return "setdomainname"
        case 172: return "iopl"
        case 173: return "ioperm"
        case 174: return "create_module"
        case 175: return "init_module"
        case 176: return "delete_module"
        case 177: return "get_kernel_syms"
        case 178: return "query_module"
        case 179: return "quotactl"
        case 180: return "nfsservctl"
        case 181: return "getpmsg"
        case 182: return "putpmsg"
        case 183: return "afs_syscall"
        case 184: return "tuxcall"
        case 185: return "security"
        case 186: return "gettid"
        case 187: return "readahead"
        case 188: return "setxattr"
        case 189: return "lsetxattr"
        case 190: return "fsetxattr"
        case 191: return "getxattr"
        case 192: return "lgetxattr"
        case 193: return "fgetxattr"
        case 194: return "listxattr"
        case 195: return "llistxattr"
        case 196: return "flistxattr"
        case 197: return "removexattr"
        case 198: return "lremovexattr"
        case 199: return "fremovexattr"
        case 200: return "tkill"
        case 201: return "time"
        case 202: return "futex"
        case 203: return "sched_setaffinity"
        case 204: return "sched_getaffinity"
        case 205: return "set_thread_area"
        case 206: return "io_setup"
        case 207: return "io_destroy"
        case 208: return "io_getevents"
        case 209: return "io_submit"
        case 210: return "io_cancel"
        case 211: return "get_thread_area"
        case 212: return "lookup_dcookie"
        case 213: return "epoll_create"
        case 214: return "epoll_ctl_old"
        case 215: return "epoll_wait_old"
        case 216: return "remap_file_pages"
        case 217: return "getdents64"
        case 218: return "set_tid_address"
        case 219: return "restart_syscall"
        case 220: return "semtimedop"
        case 221: return "fadvise64"
        case 222: return "timer_create"
        case 223: return "timer_settime"
        case 224: return "timer_gettime"
        case 225: return "timer_getoverrun"
        case 226: return "timer_delete"
        case 227: return "clock_settime"
        case 228: return "clock_gettime"
        case 229: return "clock_getres"
        case 230: return "clock_nanosleep"
        case 231: return "exit_group"
        case 232: return "epoll_wait"
        case 233: return "epoll_ctl"
        case 234: return "tgkill"
        case 235: return "utimes"
        case 236: return "vserver"
        case 237: return "mbind"
        case 238: return "set_mempolicy"
        case 239: return "get_mempolicy"
        case 240: return "mq_open"
        case 241: return "mq_unlink"
        case 242: return "mq_timedsend"
        case 243: return "mq_timedreceive"
        case 244: return "mq_notify"
        case 245: return "mq_getsetattr"
        case 246: return "kexec_load"
        case 247: return "waitid"
        case 248: return "add_key"
        case 249: return "request_key"
        case 250: return "keyctl"
        case 251: return "ioprio_set"
        case 252: return "ioprio_get"
        case 253: return "inotify_init"
        case 254: return "inotify_add_watch"
        case 255: return "inotify_rm_watch"
        case 256: return "migrate_pages"
        case 257: return "openat"
        case 258: return "mkdirat"
        case 259: return "mknodat"
        case 260: return "fchownat"
        case 261: return "futimesat"
        case 262: return "newfstatat"
        case 263: return "unlinkat"
        case 264: return "renameat"
        case 265: return "linkat"
        case 266: return "symlinkat"
        case 267: return "readlinkat"
        case 268: return "fchmodat"
        case 269: return "faccessat"
        case 270: return "pselect6"
        case 271: return "ppoll"
        case 272: return "unshare"
        case 273: return "set_robust_list"
        case 274: return "get_robust_list"
        case 275: return "splice"
        case 276: return "tee"
        case 277: return "sync_file_range"
        case 278: return "vmsplice"
        case 279: return "move_pages"
        case 280: return "utimensat"
        case 281: return "epoll_pwait"
        case 282: return "signalfd"
        case 283: return "timerfd_create"
        case 284: return "eventfd"
        case 285: return "fallocate"
        case 286: return "timerfd_settime"
        case 287: return "timerfd_gettime"
        case 288: return "accept4"
        case 289: return "signalfd4"
        case 290: return "eventfd2"
        case 291: return "epoll_create1"
        case 292: return "dup3"
        case 293: return "pipe2"
        case 294: return "inotify_init1"
        case 295: return "preadv"
        case 296: return "pwritev"
        case 297: return "rt_tgsigqueueinfo"
        case 298: return "perf_event_open"
        case 299: return "recvmmsg"
        case 300: return "fanotify_init"
        case 301: return "fanotify_mark"
        case 302: return "prlimit64"
        case 303: return "name_to_handle_at"
        case 304: return "open_by_handle_at"
        case 305: return "clock_adjtime"
        case 306: return "syncfs"
        case 307: return "sendmmsg"
        case 308: return "setns"
        case 309: return "getcpu"
        case 310: return "process_vm_readv"
        case 311: return "process_vm_writev"
        case 312: return "kcmp"
        case 313: return "finit_module"
        case 314: return "sched_setattr"
        case 315: return "sched_getattr"
        case 316: return "renameat2"
        case 317: return "seccomp"
        case 318: return "getrandom"
        case 319: return "memfd_create"
        case 320: return "kexec_file_load"
        case 321: return "bpf"
        case 322: return "execveat"
        case 323: return "userfaultfd"
        case 324: return "membarrier"
        case 325: return "mlock2"
        case 326: return "copy_file_range"
        case 327: return "preadv2"
        case 328: return "pwritev2"
        case 329: return "pkey_mprotect"
        case 330: return "pkey_alloc"
        case 331: return "pkey_free"
        case 332: return "statx"
        case 333: return "io_pgetevents"
        case 334: return "rseq"
        case 424: return "pidfd_send_signal"
        case 425: return "io_uring_setup"
        case 426: return "io_uring_enter"
        case 427: return "io_uring_register"
        case 428: return "open_tree"
        case 429: return "move_mount"
        case 430: return "fsopen"
        case 431: return "fsconfig"
        case 432: return "fsmount"
        case 433: return "fspick"
        case 434: return "pidfd_open"
        case 435: return "clone3"
        case 436: return "close_range"
        case 437: return "openat2"
        case 438: return "pidfd_getfd"
        case 439: return "faccessat2"
        case 440: return "process_madvise"
        case 441: return "epoll_pwait2"
        case 442: return "mount_setattr"
        case 443: return "quotactl_fd"
        case 444: return "landlock_create_ruleset"
        case 445: return "landlock_add_rule"
        case 446: return "landlock_restrict_self"
        case 447: return "memfd_secret"
        case 448: return "process_mrelease"
        case 449: return "futex_waitv"
        case 450: return "set_mempolicy_home_node"
        default: return "unknown"
        }
    }
}
