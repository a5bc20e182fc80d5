enum BootModule {}
