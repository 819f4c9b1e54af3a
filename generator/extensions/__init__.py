"""Kind-specific behaviour, one folder per extension, turned on by a target."""
