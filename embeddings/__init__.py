"""Generic vector and lexical search machinery (knows nothing about IKZ)."""
