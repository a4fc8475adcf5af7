"""Data shipped with crossroads, each file with its licence beside it (LICENSE-*.md)."""
