enum HostCallModule {}
