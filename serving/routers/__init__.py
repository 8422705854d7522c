"""One router module per contract slice; `serving.main` includes them all."""
