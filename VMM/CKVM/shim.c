// linux/kvm.h constants are exposed through include/ckvm.h
