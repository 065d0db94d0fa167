enum PlaceholderSkiffAPIServer {}
