enum MachineModule {}
