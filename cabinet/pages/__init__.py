"""One module per section: layout + components + state."""
