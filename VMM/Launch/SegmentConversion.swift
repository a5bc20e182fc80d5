import Boot
import KVM

/// The Boot module describes segment registers without depending on KVM; the vCPU wants
/// KVM's form. (Two modules define `SegmentState`, hence the qualified names.)
struct EntrySegments {
    var code: KVM.SegmentState
    var data: KVM.SegmentState
    var tss: KVM.SegmentState
    var gdt: KVM.DescriptorTable
}

extension EntrySegments {
    init(_ boot: Boot.BootSegments) {
        func convert(_ s: Boot.SegmentState) -> KVM.SegmentState {
            KVM.SegmentState(base: s.base, limit: s.limit, selector: s.selector, type: s.type, present: s.present,
                             dpl: s.dpl, db: s.db, s: s.s, l: s.l, g: s.g, avl: s.avl)
        }
        self.init(code: convert(boot.cs), data: convert(boot.data), tss: convert(boot.tr),
                  gdt: KVM.DescriptorTable(base: boot.gdtBase, limit: boot.gdtLimit))
    }
}
