"""The engine's shared rules: the memory budget every run and analysis checks first."""
