"""lightning integration."""
