enum GuestKernelModule {}
