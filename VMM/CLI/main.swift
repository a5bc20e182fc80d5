print("swiftlet: kernel at \(builtGuestKernelPath)")
