enum KVMModule {}
