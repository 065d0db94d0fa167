enum PlaceholderSkiffClient {}
