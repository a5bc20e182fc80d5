enum LaunchModule {}
