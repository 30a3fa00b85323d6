"""transformers integration."""
