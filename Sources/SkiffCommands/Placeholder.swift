enum PlaceholderSkiffCommands {}
