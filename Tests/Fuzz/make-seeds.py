#!/usr/bin/env python3
"""Writes the committed seed corpus (Tests/Fuzz/corpus): one valid request per device
and request type, plus one input per validation rule of DESIGN.md §4.2. The input
layout is documented at the top of FuzzVirtio.swift."""
import os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
DESC, AVAIL, USED, DATA = 0x100, 0x200, 0x300, 0x400
NEXT, WRITE, INDIRECT = 1, 2, 4

def seed(name, descs, heads, flags=0, qsize=8, avail_idx=None, data=b"", desc=DESC, avail=AVAIL, used=USED, extra=None):
    mem = bytearray(0x600)
    for i, (addr, ln, fl, nx) in enumerate(descs):
        struct.pack_into("<QIHH", mem, DESC + 16 * i, addr, ln, fl, nx)
    struct.pack_into("<HH", mem, AVAIL, 0, len(heads) if avail_idx is None else avail_idx)
    for i, h in enumerate(heads):
        struct.pack_into("<H", mem, AVAIL + 4 + 2 * i, h)
    mem[DATA:DATA + len(data)] = data
    if extra:
        extra(mem)
    head = bytearray(43)
    head[0] = flags
    struct.pack_into("<HHHHBB", head, 1, qsize, desc, avail, used, 1, 0)
    with open(os.path.join(HERE, "corpus", name), "wb") as f:
        f.write(bytes(head) + bytes(mem))

def blk_header(t, sector):
    return struct.pack("<IIQ", t, 0, sector)

def seg(sector, count, fl):
    return struct.pack("<QII", sector, count, fl)

os.makedirs(os.path.join(HERE, "corpus"), exist_ok=True)
# virtio-blk: header at DATA, data at DATA+0x20, status at DATA+0x1f0.
for name, t, out, inlen in [("blk-read", 0, None, 512), ("blk-write", 1, b"\x11" * 512, 0), ("blk-flush", 4, None, 0),
                            ("blk-getid", 8, None, 20), ("blk-discard", 11, seg(1, 2, 0), 0),
                            ("blk-write-zeroes", 13, seg(3, 1, 1), 0), ("blk-unknown-type", 77, None, 0)]:
    descs = [(DATA, 16, NEXT, 1)]
    payload = blk_header(t, 2)
    if out is not None:
        descs.append((DATA + 0x20, len(out), NEXT, len(descs) + 1))
        payload += b"\0" * 16 + out
    if inlen:
        descs.append((0x1000, inlen, WRITE | NEXT, len(descs) + 1))
    descs.append((DATA + 0x1f0, 1, WRITE, 0))
    seed(name, descs, [0], data=payload)
seed("blk-read-ro", [(DATA, 16, NEXT, 1), (0x1000, 512, WRITE | NEXT, 2), (DATA + 0x1f0, 1, WRITE, 0)], [0],
     flags=2, data=blk_header(1, 0))
seed("blk-out-of-range", [(DATA, 16, NEXT, 1), (0x1000, 512, WRITE | NEXT, 2), (DATA + 0x1f0, 1, WRITE, 0)], [0],
     data=blk_header(0, 0xFFFFFFFFFFFFFF))
# Indirect: the table at DATA+0x80.
def indirect_table(mem):
    struct.pack_into("<QIHH", mem, DATA + 0x80, DATA, 16, NEXT, 1)
    struct.pack_into("<QIHH", mem, DATA + 0x90, 0x1000, 512, WRITE | NEXT, 2)
    struct.pack_into("<QIHH", mem, DATA + 0xa0, DATA + 0x1f0, 1, WRITE, 0)
seed("blk-indirect", [(DATA + 0x80, 48, INDIRECT, 0)], [0], data=blk_header(0, 1), extra=indirect_table)
seed("blk-mixed", [(DATA, 16, NEXT, 1), (DATA + 0x90, 32, INDIRECT, 0)], [0], data=blk_header(0, 1), extra=indirect_table)
# One per validation rule.
seed("rule-queue-size", [], [], qsize=6)
seed("rule-misaligned", [], [], desc=DESC + 8)
seed("rule-ring-outside", [], [], used=0xFFF0)
seed("rule-head-range", [(DATA, 16, 0, 0)], [9])
seed("rule-avail-delta", [(DATA, 16, 0, 0)], [0], avail_idx=9)
seed("rule-cycle", [(DATA, 16, NEXT, 1), (DATA, 16, NEXT, 0)], [0])
seed("rule-next-range", [(DATA, 16, NEXT, 42)], [0])
seed("rule-length-32bit", [(0, 0xF0000000, NEXT, 1), (0, 0xF0000000, 0, 0)], [0])
seed("rule-buffer-outside", [(0xFFFF, 16, 0, 0)], [0])
seed("rule-direction", [(DATA + 0x1f0, 1, WRITE | NEXT, 1), (DATA, 16, 0, 0)], [0])
seed("rule-indirect-length", [(DATA + 0x80, 40, INDIRECT, 0)], [0], extra=indirect_table)
seed("rule-indirect-next", [(DATA + 0x80, 48, INDIRECT | NEXT, 1), (DATA, 16, 0, 0)], [0], extra=indirect_table)
seed("rule-indirect-nested", [(DATA + 0x80, 16, INDIRECT, 0)], [0],
     extra=lambda m: struct.pack_into("<QIHH", m, DATA + 0x80, DATA + 0x80, 16, INDIRECT, 0))
seed("rule-indirect-not-negotiated", [(DATA + 0x80, 48, INDIRECT, 0)], [0], flags=8, extra=indirect_table)
seed("rule-overlapping-rings", [(DATA, 16, NEXT, 1), (DATA + 0x1f0, 1, WRITE, 0)], [0], used=AVAIL, data=blk_header(0, 0))
# virtio-console: transmit (queue 1) and receive (queue 0).
def console(name, descs, queue, flags=1):
    seed(name, descs, [0], flags=flags, data=b"hello, console\n")
    path = os.path.join(HERE, "corpus", name)
    b = bytearray(open(path, "rb").read()); b[10] = queue; open(path, "wb").write(b)
console("con-tx", [(DATA, 15, 0, 0)], 1)
console("con-rx", [(0x1000, 64, WRITE, 0)], 0)
console("con-rx-tty", [(0x1000, 64, WRITE, 0)], 0, flags=3)
console("con-rx-readable", [(0x1000, 64, 0, 0)], 0)
# Register writes before setup (flag 0x80): a few stray writes.
seed("regs-stray", [], [], flags=0x80, extra=None)
p = os.path.join(HERE, "corpus", "regs-stray")
b = bytearray(open(p, "rb").read())
struct.pack_into("<BIBIBIBI", b, 11, 0x70 // 4, 0xFF, 0x38 // 4, 0x10000, 0x44 // 4, 1, 0x50 // 4, 7)
open(p, "wb").write(b)
