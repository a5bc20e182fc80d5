import KernelASM

/// The kernel side of /proc/<pid>/stat and status (area: jobctl2): a process's state
/// letter, family and accounting, for live processes and zombies alike.
extension ProcessTable {
    static func procStat(_ p: Process) -> ProcStat {
        guard let e = entries.first(where: { $0.process === p }) else { return ProcStat(ppid: p.parentPid) }
        var s = ProcStat()
        s.ppid = e.parent?.pid ?? 0
        s.pgrp = e.processGroup
        s.session = e.session
        s.nice = e.nice
        s.userNanoseconds = Timers.processUser(e)
        s.systemNanoseconds = Timers.processSystem(e)
        s.childUserNanoseconds = e.childUserNanoseconds
        s.childSystemNanoseconds = e.childSystemNanoseconds
        if e.zombie {
            s.state = 0x5a                                          // Z
            s.threads = 1
            s.exitCode = e.waitStatus
            return s
        }
        let live = e.tasks.filter { $0.state != .zombie }
        s.threads = live.count
        s.rssPages = Timers.residentPages(e)
        if e.stopped {
            s.state = 0x54                                          // T
        } else if let leader = live.first, leader.state == .blocked, leader !== Scheduler.current {
            s.state = 0x53                                          // S: the leader sleeps, as Linux shows it
        }
        return s
    }

    /// area: proctask: the live threads of a process for /proc/<pid>/task, leader first.
    static func procThreads(_ p: Process) -> [ProcThread] {
        guard let e = entries.first(where: { $0.process === p }), !e.zombie else { return [] }
        var out: [ProcThread] = []
        for t in e.tasks where t.state != .zombie {
            var s = ProcThread(tid: t.tid)
            if t.state == .blocked && t !== Scheduler.current { s.state = 0x53 }
            s.userNanoseconds = t.userNanoseconds
            s.systemNanoseconds = t.systemNanoseconds
            out.append(s)
        }
        return out
    }
}
