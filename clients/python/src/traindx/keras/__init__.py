"""keras integration."""
